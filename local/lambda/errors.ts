/** Errors of local Lambda invocations: in-process (invoke.ts) and on worker containers (runtime.ts). */

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
 * The handler did not finish within the function's timeout (`Sandbox.Timedout`). The runtime terminates the
 * function's container, as Lambda does; in-process code (invoke.ts) cannot be stopped, so only its outcome is
 * discarded there.
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
 * The function's container exited during the invocation (`process.exit`, or a crash the runtime could not report),
 * as Lambda reports it: `Runtime.ExitError`. The next invocation starts a fresh container.
 */
export class LambdaRuntimeExitError extends LambdaInvocationError {
  override readonly name: string = 'LambdaRuntimeExitError';

  constructor(functionName: string, requestId: string, exitCode: number) {
    super(functionName, {
      errorType: 'Runtime.ExitError',
      errorMessage:
        exitCode === 0
          ? `RequestId: ${requestId} Error: Runtime exited without providing a reason`
          : `RequestId: ${requestId} Error: Runtime exited with error: exit status ${exitCode}`,
      trace: [],
    });
  }
}

/** No function of that name is defined (Lambda's `ResourceNotFoundException`). */
export class LambdaFunctionNotFoundError extends Error {
  override readonly name: string = 'LambdaFunctionNotFoundError';

  constructor(
    readonly functionName: string,
    definedNames: readonly string[],
  ) {
    super(`Function not found: ${functionName} (defined: ${definedNames.join(', ') || 'none'})`);
  }
}

/** esbuild could not bundle a function's entry. */
export class LambdaBundleError extends Error {
  override readonly name: string = 'LambdaBundleError';

  constructor(
    readonly functionName: string,
    readonly entry: string,
    detail: string,
  ) {
    super(`Cannot bundle Lambda function ${functionName} (${entry}):\n${detail}`);
  }
}

/**
 * A function's environment sets a variable the Lambda runtime reserves (AWS rejects such a function at deployment).
 */
export class LambdaReservedVariableError extends Error {
  override readonly name: string = 'LambdaReservedVariableError';

  constructor(
    readonly functionName: string,
    readonly variable: string,
  ) {
    super(`Lambda function ${functionName} sets ${variable}, which the Lambda runtime reserves`);
  }
}

/** The Lambda runtime was closed before or while the invocation ran. */
export class LambdaRuntimeClosedError extends Error {
  override readonly name: string = 'LambdaRuntimeClosedError';

  constructor(functionName: string) {
    super(`Lambda function ${functionName} cannot run: the Lambda runtime is closed`);
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
