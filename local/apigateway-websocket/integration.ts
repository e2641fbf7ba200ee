/** Calling a Lambda integration the way API Gateway does: synchronously, bounded by the integration timeout. */

/** Invokes the named function with an event; resolves with its result or rejects with its error. */
export type InvokeFunction = (functionName: string, event: unknown) => Promise<unknown>;

/** How an integration call ended. */
export type IntegrationOutcome =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  /** No answer within the integration timeout (API Gateway's is 29 s); the function may still be running. */
  | { readonly kind: 'timeout' };

/** Calls `functionName`; never rejects, whatever the invoker does (even throwing synchronously). */
export async function callIntegration(
  invoke: InvokeFunction,
  functionName: string,
  event: unknown,
  timeoutMs: number,
): Promise<IntegrationOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<IntegrationOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  const invocation = Promise.resolve()
    .then(() => invoke(functionName, event))
    .then(
      (value): IntegrationOutcome => ({ kind: 'result', value }),
      (error: unknown): IntegrationOutcome => ({ kind: 'error', error }),
    );
  try {
    return await Promise.race([invocation, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
