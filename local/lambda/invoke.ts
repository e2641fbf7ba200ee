/**
 * Invokes a Node.js Lambda handler in this process, the way the Lambda Node.js runtime calls it: a JSON copy of the
 * event, a `context` object, a callback for callback-style handlers, the function's timeout, and failures reported
 * as Lambda's `{ errorType, errorMessage, trace }`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { holdEnvironment } from './environment.js';
import { LambdaHandlerError, LambdaTimeoutError, type LambdaErrorPayload } from './errors.js';

/** The `context` argument of a Node.js Lambda handler. */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  /** A string, as the Node.js runtime gives it. */
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Accepted for compatibility; an in-process call cannot wait for the event loop, so it changes nothing. */
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LambdaCallback = (error?: unknown, result?: unknown) => void;

/** A Node.js Lambda handler: `async (event, context) => result` or `(event, context, callback) => void`. */
export type LambdaHandler = (event: never, context: LambdaContext, callback: LambdaCallback) => unknown;

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

/** The account id of every local ARN. */
export const LOCAL_ACCOUNT_ID = '000000000000';
const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_MEMORY_LIMIT_MB = 128;

/** What crosses Lambda's boundary is JSON: the handler gets a copy, `undefined` arrives as null. */
function jsonCopy(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json === undefined ? null : (JSON.parse(json) as unknown);
}

/** Lambda's report of a thrown value: name/message/stack of errors, `typeof` and text of anything else. */
function errorPayload(thrown: unknown): LambdaErrorPayload {
  if (thrown instanceof Error) {
    return { errorType: thrown.name, errorMessage: thrown.message, trace: (thrown.stack ?? '').split('\n') };
  }
  return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function logStreamName(): string {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * Calls `handler` with a JSON copy of `event` and resolves with a JSON copy of its result.
 *
 * An async handler's promise decides the outcome; a handler that returns no promise decides it with its callback,
 * or, if it takes no callback parameter, finishes with null (as Lambda does once the event loop is empty).
 *
 * @throws {@link LambdaHandlerError} when the handler throws, rejects or calls back with an error
 * @throws {@link LambdaTimeoutError} after `timeoutMs`
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
  const region = options.region ?? DEFAULT_REGION;
  const awsRequestId = randomUUID();
  const deadline = Date.now() + timeoutMs;
  const context: LambdaContext = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? DEFAULT_MEMORY_LIMIT_MB),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: logStreamName(),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const eventCopy = jsonCopy(event);
  const releaseEnvironment = holdEnvironment(options.env ?? {}, functionName);
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = new Promise<unknown>((resolve, reject) => {
      const callback: LambdaCallback = (error, result) => {
        if (error !== undefined && error !== null) reject(error);
        else resolve(result);
      };
      const returned = handler(eventCopy as never, context, callback);
      if (isThenable(returned)) returned.then(resolve, reject);
      else if (handler.length < 3) resolve(null);
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaTimeoutError(functionName, awsRequestId, timeoutMs)), timeoutMs);
    });
    const result = await Promise.race([outcome, timeout]).catch((error: unknown) => {
      if (error instanceof LambdaTimeoutError) throw error;
      throw new LambdaHandlerError(functionName, errorPayload(error));
    });
    try {
      return jsonCopy(result);
    } catch (error) {
      throw new LambdaHandlerError(functionName, errorPayload(error));
    }
  } finally {
    clearTimeout(timer);
    releaseEnvironment();
  }
}
