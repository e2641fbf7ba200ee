/** Errors the wavechat SDK throws. */

/** One GraphQL error as AppSync reports it. */
export interface ChatApiErrorDetail {
  readonly message: string;
  /** AppSync's error type, e.g. `Unauthorized`, or the resolver's `util.error` type. */
  readonly errorType?: string;
  /** What the resolver added for the client, e.g. `{ retryAfter }` with `RateLimitExceeded`. */
  readonly errorInfo?: Readonly<Record<string, unknown>> | null;
}

/** The API refused or failed an operation: `errors` are AppSync's GraphQL errors. */
export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';

  constructor(
    readonly operation: string,
    readonly errors: readonly ChatApiErrorDetail[],
    options?: ErrorOptions,
  ) {
    super(`${operation} failed: ${errors.map((error) => error.message).join('; ') || 'no details'}`, options);
  }

  /** The first error's type, the usual thing to branch on. */
  get errorType(): string | undefined {
    return this.errors[0]?.errorType;
  }
}

/** `amplify_outputs.json` lacks what the SDK needs. */
export class ChatConfigurationError extends Error {
  override readonly name = 'ChatConfigurationError';
}
