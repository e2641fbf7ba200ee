/** Errors raised by data sources when the request object itself cannot be run (never for data-source failures). */

/**
 * The request returned by a request handler is not a valid data-source request: missing or unknown `operation`,
 * a typed value with zero or several type keys, a missing `key`, a value of the wrong JSON type…
 * `path` locates the offending part (e.g. `request.key.id`).
 */
export class MalformedRequestError extends Error {
  override readonly name: string = 'MalformedRequestError';

  constructor(readonly path: string, readonly problem: string) {
    super(`Malformed data-source request at ${path}: ${problem}`);
  }
}

/**
 * The request is valid for AppSync but asks for something this local emulation does not do
 * (e.g. the DynamoDB `Sync` operation or a `Custom` conditional-check-failed handler).
 */
export class UnsupportedRequestError extends MalformedRequestError {
  override readonly name: string = 'UnsupportedRequestError';
}

/**
 * A `nextToken` that this data source did not issue for this resolver/function and table (foreign, altered or not
 * a token at all). Reported to the resolver as `DynamoDB:UserIllegalArgumentException`, as AppSync does.
 */
export class InvalidPaginationTokenError extends Error {
  override readonly name: string = 'InvalidPaginationTokenError';

  constructor(readonly reason: string) {
    super(`Invalid pagination token: ${reason}`);
  }
}
