/** Errors of in-process Lambda invocations. */

/** What Lambda returns for a failed invocation (`X-Amz-Function-Error` response body). */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** A failed invocation, carrying Lambda's error payload. */
export abstract class LambdaInvocationError extends Error {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];

  protected constructor(functionName: string, payload: LambdaErrorPayload) {
    super(`Lambda function ${functionName} failed: ${payload.errorType}: ${payload.errorMessage}`);
    this.errorType = payload.errorType;
    this.errorMessage = payload.errorMessage;
    this.trace = payload.trace;
  }

  /** The error as Lambda reports it: `{ errorType, errorMessage, trace }`. */
  toPayload(): LambdaErrorPayload {
    return { errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace };
  }
}

/** The handler threw, rejected or called back with an error. */
export class LambdaHandlerError extends LambdaInvocationError {
  override readonly name: string = 'LambdaHandlerError';

  constructor(functionName: string, payload: LambdaErrorPayload) {
    super(functionName, payload);
  }
}

/**
 * The handler did not finish within the function's timeout (`Sandbox.Timedout`). In-process code cannot be stopped,
 * so the handler may still be running; only its outcome is discarded.
 */
export class LambdaTimeoutError extends LambdaInvocationError {
  override readonly name: string = 'LambdaTimeoutError';

  constructor(functionName: string, requestId: string, timeoutMs: number) {
    super(functionName, {
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
      trace: [],
    });
  }
}

/**
 * Two functions running at the same time need different values for one environment variable. In-process
 * functions share `process.env`, so this cannot be honoured; give the functions distinct variable names.
 */
export class LambdaEnvironmentConflictError extends Error {
  override readonly name: string = 'LambdaEnvironmentConflictError';

  constructor(readonly variable: string, readonly functionName: string) {
    super(
      `Lambda function ${functionName} needs ${variable} set differently from a function that is running now; ` +
        'in-process functions share process.env',
    );
  }
}
