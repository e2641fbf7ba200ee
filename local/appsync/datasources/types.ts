/** The contract between the engine and data sources. Requests and results are plain JSON values. */

/** A data-source failure, surfaced to the response handler as `ctx.error` (never raised by itself). */
export interface DataSourceError {
  readonly message: string;
  /** e.g. "DynamoDB:ConditionalCheckFailedException" */
  readonly type: string;
}

export interface DataSourceResponse {
  /** `ctx.result`: null on most failures, the current item for a rejected conditional put/delete. */
  readonly result: unknown;
  readonly error?: DataSourceError;
}

export interface DataSourceInvocation {
  /** What the request handler returned. */
  readonly request: unknown;
  /** Resolver or function id; `nextToken`s are valid only within the scope that issued them. */
  readonly scope: string;
}

export interface DataSource {
  /**
   * Runs one request. Resolves with `error` for data-source failures (as AppSync does); rejects with
   * {@link import('./errors.js').MalformedRequestError} when the request object itself is unusable.
   */
  invoke(invocation: DataSourceInvocation): Promise<DataSourceResponse>;
}
