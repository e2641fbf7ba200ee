/** Errors thrown by the raw-WebSocket Lambdas and the bridge. */

/** A variable the function's description promises is not set: the deployment (or the local composer) is wrong. */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';

  constructor(readonly variable: string) {
    super(`Environment variable ${variable} is not set; the function's description in lambdas/app.ts provides it`);
  }
}

/** One entry of a GraphQL response's `errors`, as AppSync returns it. */
export interface GraphqlErrorEntry {
  readonly message: string;
  /** e.g. `Unauthorized`, `ValidationError`, `UnauthorizedException` (rejected credentials). */
  readonly errorType?: string;
  readonly path?: readonly (string | number)[];
  /** Details the resolver attached (`util.error`'s errorInfo), e.g. `{ retryAfter: 3 }` on RateLimitExceeded. */
  readonly errorInfo?: Readonly<Record<string, unknown>> | null;
}

/** The GraphQL API answered with errors (or with no data): the operation did not happen as asked. */
export class GraphqlRequestError extends Error {
  override readonly name = 'GraphqlRequestError';

  constructor(
    readonly operationName: string,
    /** HTTP status of the answer (AppSync gives 200 for resolver errors, 401 for rejected credentials). */
    readonly status: number,
    readonly errors: readonly GraphqlErrorEntry[],
  ) {
    super(`${operationName} failed (HTTP ${status}): ${errors.map((e) => `${e.errorType ?? 'Error'}: ${e.message}`).join('; ')}`);
  }

  /** The first error's type, which is what the API says went wrong. */
  get errorType(): string {
    return this.errors[0]?.errorType ?? 'GraphqlError';
  }

  /** The first error's message. */
  get firstMessage(): string {
    return this.errors[0]?.message ?? this.message;
  }

  /** Seconds to wait before retrying, when the first error says so (`errorInfo.retryAfter`, e.g. RateLimitExceeded). */
  get retryAfter(): number | undefined {
    const retryAfter = this.errors[0]?.errorInfo?.['retryAfter'];
    return typeof retryAfter === 'number' ? retryAfter : undefined;
  }
}

/**
 * The `$connect` authorizer refuses the handshake. The message must be exactly `Unauthorized`: that is how API
 * Gateway tells a 401 from an authorizer failure (500).
 */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';

  constructor(
    /** Why, for the logs only: the client learns nothing but 401. */
    readonly reason: string,
  ) {
    super('Unauthorized');
  }
}

/** A route event without the identity the `$connect` authorizer attaches: the API is deployed without it. */
export class MissingAuthorizerContextError extends Error {
  override readonly name = 'MissingAuthorizerContextError';

  constructor(readonly routeKey: string) {
    super(`Route ${routeKey} received no authorizer context; the WebSocket API must use the $connect authorizer`);
  }
}

/** Some connections could not be reached for a reason other than having gone away; the push should be retried. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';

  constructor(readonly failures: readonly { readonly connectionId: string; readonly error: unknown }[]) {
    const first = failures[0]?.error;
    const detail = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
    super(`Push failed for ${failures.length} connection(s); first: ${detail}`);
  }
}

/**
 * A stream record not attempted because an earlier record of the batch failed: Lambda retries from the earliest
 * failed record, so pushing later ones now would deliver them twice and out of order.
 */
export class SkippedAfterFailureError extends Error {
  override readonly name = 'SkippedAfterFailureError';

  constructor(readonly sequenceNumber: string) {
    super(`Record ${sequenceNumber} skipped: an earlier record of the batch failed and will be retried first`);
  }
}

/** DynamoDB kept leaving keys of a BatchGetItem unprocessed (throttling) after every retry. */
export class UnprocessedKeysError extends Error {
  override readonly name = 'UnprocessedKeysError';

  constructor(readonly count: number) {
    super(`BatchGetItem left ${count} keys unprocessed after its retries`);
  }
}
