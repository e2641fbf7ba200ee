/**
 * How the Lambda Node.js runtime calls a handler: the `context` object, the callback of callback-style handlers, JSON
 * results, and failures reported as `{ errorType, errorMessage, trace }`. Shared by the in-process invocation
 * (`invokeLambda`) and the worker-thread containers of the Lambda runtime (`startLambdaRuntime`).
 */
import { randomBytes } from 'node:crypto';
import { types } from 'node:util';
import type { LambdaErrorPayload } from './errors.js';
import { LOCAL_ACCOUNT_ID } from '../account.js';

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
  /** Accepted for compatibility; the result is returned when the callback is called, without waiting for the loop. */
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LambdaCallback = (error?: unknown, result?: unknown) => void;

/** A Node.js Lambda handler: `async (event, context) => result` or `(event, context, callback) => void`. */
export type LambdaHandler = (event: never, context: LambdaContext, callback: LambdaCallback) => unknown;

/** The function version every local invocation runs. */
export const FUNCTION_VERSION = '$LATEST';
export const DEFAULT_REGION = 'us-east-1';
/** Lambda's default memory size; the app's description leaves capacity to infra. */
export const DEFAULT_MEMORY_LIMIT_MB = 128;

export interface LambdaContextOptions {
  readonly functionName: string;
  readonly region: string;
  readonly memoryLimitInMB: number;
  readonly awsRequestId: string;
  readonly logStreamName: string;
  /** When the invocation times out (epoch milliseconds). */
  readonly deadline: number;
}

/** Builds the `context` of one invocation. */
export function createLambdaContext(options: LambdaContextOptions): LambdaContext {
  const { functionName, region, deadline } = options;
  return {
    functionName,
    functionVersion: FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB),
    awsRequestId: options.awsRequestId,
    logGroupName: logGroupName(functionName),
    logStreamName: options.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** A log stream name as Lambda gives each execution environment: `YYYY/MM/DD/[$LATEST]<32 hex digits>`. */
export function newLogStreamName(): string {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[${FUNCTION_VERSION}]${randomBytes(16).toString('hex')}`;
}

/** What crosses Lambda's boundary is JSON: the receiver gets a copy, `undefined` arrives as null. */
export function jsonCopy(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json === undefined ? null : (JSON.parse(json) as unknown);
}

/** Lambda's report of a thrown value: name/message/stack of errors, `typeof` and text of anything else. */
export function errorPayload(thrown: unknown): LambdaErrorPayload {
  // isNativeError: errors made in another realm (e.g. a `vm` context) are errors too.
  if (thrown instanceof Error || types.isNativeError(thrown)) {
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

/** How a handler finished: a JSON copy of its result, or Lambda's report of its error. */
export type HandlerOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: LambdaErrorPayload };

/**
 * Calls `handler` with `event` (the caller's own copy) and `context`, and reports how it finished.
 *
 * An async handler's promise decides the outcome; a handler that returns no promise decides it with its callback,
 * or, if it takes no callback parameter, finishes with null (as Lambda does once the event loop is empty). A result
 * that is not JSON-serialisable fails the invocation, as it does on Lambda.
 */
export async function runHandler(
  handler: LambdaHandler,
  event: unknown,
  context: LambdaContext,
): Promise<HandlerOutcome> {
  try {
    const result = await new Promise<unknown>((resolve, reject) => {
      const callback: LambdaCallback = (error, value) => {
        if (error !== undefined && error !== null) reject(error);
        else resolve(value);
      };
      const returned = handler(event as never, context, callback);
      if (isThenable(returned)) returned.then(resolve, reject);
      else if (handler.length < 3) resolve(null);
    });
    return { ok: true, result: jsonCopy(result) };
  } catch (error) {
    return { ok: false, error: errorPayload(error) };
  }
}
