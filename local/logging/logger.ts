/**
 * The logger the local services accept through their options. pino's `Logger` satisfies it; services never create
 * one themselves, so a service given none (tests, benchmarks) stays silent.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The part of pino's `Logger` the local services use: structured fields first, then a readable message. */
export interface LocalLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** Guards work done only for a log line (e.g. one line per delivered event at debug). */
  isLevelEnabled(level: LogLevel): boolean;
  /** A logger adding `bindings` to every line, e.g. `{ service: 'appsync' }`. */
  child(bindings: Record<string, unknown>): LocalLogger;
}

/** Logs nothing: the default of every service. */
export const silentLogger: LocalLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  isLevelEnabled: () => false,
  child: () => silentLogger,
};
