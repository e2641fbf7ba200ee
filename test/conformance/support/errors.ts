/** Errors the conformance suite's helpers throw: each says which target and what was expected. */

/** `WAVECHAT_CONFORMANCE_OUTPUTS` names a file that is not a usable `amplify_outputs.json`. */
export class ConformanceOutputsError extends Error {
  override readonly name = 'ConformanceOutputsError';
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** A Cognito call made to set up a test user did not give what the suite needs. */
export class TestUserError extends Error {
  override readonly name = 'TestUserError';
}

/** A GraphQL call the suite needed to succeed answered with errors or a non-200 status. */
export class GraphqlCallError extends Error {
  override readonly name = 'GraphqlCallError';
  constructor(readonly status: number, readonly body: unknown) {
    super(`GraphQL call failed (${status}): ${JSON.stringify(body)}`);
  }
}

/** No frame matching what a test waits for arrived in time (or the socket closed first). */
export class FrameTimeoutError extends Error {
  override readonly name = 'FrameTimeoutError';
}
