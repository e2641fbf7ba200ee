/**
 * Readable log lines for `npm start`: pino writing through pino-pretty in this process, one line per entry —
 * `[12:03:04.567] INFO: appsync     query myRooms by alice@example.com → 200 (12 ms)` — in colour only on a
 * terminal.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './logger.js';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface ConsoleLoggerOptions {
  /** @default 'info' */
  readonly level?: LogLevel;
  /** @default process.stdout */
  readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** @default whether `stream` is a terminal */
  readonly colour?: boolean;
}

/** Width the service name is padded to, so messages line up. */
const SERVICE_WIDTH = 11;

/**
 * @example
 * ```ts
 * const logger = createConsoleLogger({ level: 'debug' });
 * const appsync = await startLocalAppSync({ ...options, logger: logger.child({ service: 'appsync' }) });
 * ```
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stdout;
  const colour = options.colour ?? stream.isTTY === true;
  const destination = pretty({
    destination: stream,
    sync: true,
    colorize: colour,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    hideObject: true,
    messageFormat: (log, messageKey, _levelLabel, { colors }) => {
      const service = typeof log['service'] === 'string' ? log['service'] : '';
      const error = log['err'] as { message?: unknown } | undefined;
      const detail = error && typeof error.message === 'string' ? `: ${error.message}` : '';
      return `${colors.gray(service.padEnd(SERVICE_WIDTH))} ${String(log[messageKey] ?? '')}${detail}`;
    },
  });
  return pino({ level: options.level ?? 'info', base: undefined }, destination);
}

/** `value` as a level, or undefined when it names none. */
export function parseLogLevel(value: string): LogLevel | undefined {
  return LOG_LEVELS.find((level) => level === value);
}
