/** Errors thrown by request authentication. */

/** The messages AppSync puts in a 401 `UnauthorizedException` body. */
export const UNAUTHORIZED_MESSAGES = {
  /** No credential for any enabled mode came with the request. */
  missingCredentials: 'Valid authorization header not provided.',
  /** A credential came but was rejected (unknown, expired, tampered, badly signed). */
  rejectedCredentials: 'You are not authorized to make this call.',
} as const;

/**
 * The request is not authenticated. The HTTP layer answers 401 with header
 * `x-amzn-ErrorType: UnauthorizedException` and body
 * `{"errors":[{"errorType":"UnauthorizedException","message":<message>}]}`.
 */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
  /** AppSync's `errorType`. */
  readonly errorType = 'UnauthorizedException';

  /**
   * @param message AppSync's client-facing message (one of {@link UNAUTHORIZED_MESSAGES}).
   * @param reason Why, for logs only: AppSync never tells the client.
   */
  constructor(
    message: (typeof UNAUTHORIZED_MESSAGES)[keyof typeof UNAUTHORIZED_MESSAGES],
    readonly reason: string,
  ) {
    super(message);
  }
}

/** The {@link AuthConfig} cannot work (a mode without its settings, or a mode the local AppSync lacks). */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

/** The user pool's JWKS could not be fetched: a server-side fault, not the caller's. */
export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';

  constructor(
    readonly jwksUri: string,
    options: { cause: unknown },
  ) {
    super(`Could not fetch the JWKS from ${jwksUri}: ${describe(options.cause)}`, options);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
