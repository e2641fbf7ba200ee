/**
 * Invokes a Node.js Lambda handler in this process, the way the Lambda Node.js runtime calls it: a JSON copy of the
 * event, a `context` object, a callback for callback-style handlers, the function's timeout, and failures reported
 * as Lambda's `{ errorType, errorMessage, trace }`. Functions that need their own `process.env` run on the worker
 * containers of `startLambdaRuntime` (runtime.ts) instead.
 */
import { randomUUID } from 'node:crypto';
import { holdEnvironment } from './environment.js';
import { LambdaHandlerError, LambdaTimeoutError } from './errors.js';
import {
  createLambdaContext,
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_REGION,
  jsonCopy,
  newLogStreamName,
  runHandler,
  type LambdaHandler,
} from './handler.js';

export type { LambdaCallback, LambdaContext, LambdaHandler } from './handler.js';

export interface InvokeLambdaOptions {
  readonly functionName: string;
  /** The function's timeout. @default 3000 (Lambda's default) */
  readonly timeoutMs?: number;
  /** The function's environment variables, set in `process.env` while it runs. */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 128 */
  readonly memoryLimitInMB?: number;
}

const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Calls `handler` with a JSON copy of `event` and resolves with a JSON copy of its result.
 *
 * An async handler's promise decides the outcome; a handler that returns no promise decides it with its callback,
 * or, if it takes no callback parameter, finishes with null (as Lambda does once the event loop is empty).
 *
 * @throws {@link LambdaHandlerError} when the handler throws, rejects or calls back with an error
 * @throws {@link LambdaTimeoutError} after `timeoutMs` (the handler cannot be stopped; its outcome is discarded)
 * @throws {@link LambdaEnvironmentConflictError} when `env` clashes with a function running now
 * @example
 * const result = await invokeLambda(async (event: { name: string }) => `hello ${event.name}`, { name: 'ada' }, {
 *   functionName: 'greeter',
 *   timeoutMs: 1000,
 * });
 * // result → 'hello ada'
 */
export async function invokeLambda(
  handler: LambdaHandler,
  event: unknown,
  options: InvokeLambdaOptions,
): Promise<unknown> {
  const { functionName } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const awsRequestId = randomUUID();
  const context = createLambdaContext({
    functionName,
    region: options.region ?? DEFAULT_REGION,
    memoryLimitInMB: options.memoryLimitInMB ?? DEFAULT_MEMORY_LIMIT_MB,
    awsRequestId,
    logStreamName: newLogStreamName(),
    deadline: Date.now() + timeoutMs,
  });
  const eventCopy = jsonCopy(event);
  const releaseEnvironment = holdEnvironment(options.env ?? {}, functionName);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaTimeoutError(functionName, awsRequestId, timeoutMs)), timeoutMs);
    });
    const outcome = await Promise.race([runHandler(handler, eventCopy, context), timeout]);
    if (!outcome.ok) throw new LambdaHandlerError(functionName, outcome.error);
    return outcome.result;
  } finally {
    clearTimeout(timer);
    releaseEnvironment();
  }
}
