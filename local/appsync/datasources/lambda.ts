/**
 * The AWS_LAMBDA data source (reference: appsync-js-runtime.md §5.7; AppSync guide "resolver-reference-lambda-js").
 * It calls the function through an `invoke` function: the local Lambda runtime's (local/lambda/runtime.ts) or an
 * in-process call (local/lambda/invoke.ts).
 */
import { LambdaInvocationError } from '../../lambda/errors.js';
import { MalformedRequestError } from './errors.js';
import { expectObject, expectString, optionalField, optionalString, requiredField } from './request-fields.js';
import type { DataSource, DataSourceError, DataSourceResponse } from './types.js';

export interface LambdaDataSourceOptions {
  readonly functionName: string;
  /**
   * Invokes the function synchronously with `event`: resolves with its result, rejects with a
   * {@link LambdaInvocationError} when the function fails (any other rejection is a failure of the local machinery).
   */
  readonly invoke: (event: unknown) => Promise<unknown>;
  /**
   * Most requests one `BatchInvoke` call carries (AppSync's `maxBatchSize`, set per resolver on AWS).
   * @default 5 (AppSync's fixed size before it became configurable)
   */
  readonly maxBatchSize?: number;
}

/** AppSync reports every function error, whatever its `errorType`, with this type (aws-appsync-community#209). */
const UNHANDLED_ERROR_TYPE = 'Lambda:Unhandled';
const DEFAULT_MAX_BATCH_SIZE = 5;
const PATH = 'request';

function toDataSourceError(error: LambdaInvocationError): DataSourceError {
  return { message: error.errorMessage, type: UNHANDLED_ERROR_TYPE };
}

interface QueuedRequest {
  readonly payload: unknown;
  readonly settle: (response: DataSourceResponse) => void;
  /** For failures of the local machinery itself (not of the function). */
  readonly fail: (error: unknown) => void;
}

/**
 * Creates a Lambda data source. `Invoke` invokes the function with `payload` as the event and resolves with its
 * result; `BatchInvoke` collects the requests made in the same turn of the event loop (up to `maxBatchSize`), invokes
 * the function once with the list of payloads and hands each request the entry of the returned list at its position.
 * `invocationType: 'Event'` starts the function without waiting and resolves with a null result.
 *
 * @example
 * const dataSource = createLambdaDataSource({
 *   functionName: 'resolveUser',
 *   invoke: (event) => lambdaRuntime.invoke('resolveUser', event),
 * });
 * const { result, error } = await dataSource.invoke({
 *   request: { operation: 'Invoke', payload: { id: 'u1' } },
 *   scope: 'Query.user',
 * });
 * // result → { id: 'u1' }; a thrown Error('boom') gives error → { message: 'boom', type: 'Lambda:Unhandled' }
 */
export function createLambdaDataSource(options: LambdaDataSourceOptions): DataSource {
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  let queue: QueuedRequest[] = [];
  let flushScheduled = false;

  async function call(event: unknown): Promise<DataSourceResponse> {
    try {
      return { result: await options.invoke(event) };
    } catch (error) {
      if (error instanceof LambdaInvocationError) return { result: null, error: toDataSourceError(error) };
      throw error;
    }
  }

  async function runBatch(batch: readonly QueuedRequest[]): Promise<void> {
    let response: DataSourceResponse;
    try {
      response = await call(batch.map(({ payload }) => payload));
    } catch (error) {
      for (const request of batch) request.fail(error);
      return;
    }
    if (response.error !== undefined) {
      for (const request of batch) request.settle(response);
      return;
    }
    const results = response.result;
    if (!Array.isArray(results) || results.length !== batch.length) {
      const error: DataSourceError = {
        message: `BatchInvoke expects a list of ${batch.length} results from ${options.functionName}, got ${
          Array.isArray(results) ? `a list of ${results.length}` : JSON.stringify(results)
        }`,
        type: UNHANDLED_ERROR_TYPE,
      };
      for (const request of batch) request.settle({ result: null, error });
      return;
    }
    batch.forEach((request, i) => request.settle({ result: results[i] ?? null }));
  }

  function flush(): void {
    flushScheduled = false;
    const pending = queue;
    queue = [];
    for (let start = 0; start < pending.length; start += maxBatchSize) {
      void runBatch(pending.slice(start, start + maxBatchSize));
    }
  }

  function enqueue(payload: unknown): Promise<DataSourceResponse> {
    return new Promise((settle, fail) => {
      queue.push({ payload, settle, fail });
      if (!flushScheduled) {
        flushScheduled = true;
        // After the current turn's promise jobs: sibling fields resolved together land in one batch.
        setImmediate(flush);
      }
    });
  }

  return {
    async invoke({ request }): Promise<DataSourceResponse> {
      const requestObject = expectObject(request, PATH);
      const operation = expectString(requiredField(requestObject, 'operation', PATH), `${PATH}.operation`);
      if (operation !== 'Invoke' && operation !== 'BatchInvoke') {
        throw new MalformedRequestError(`${PATH}.operation`, `expected "Invoke" or "BatchInvoke", got "${operation}"`);
      }
      const invocationType = optionalString(requestObject, 'invocationType', PATH) ?? 'RequestResponse';
      if (invocationType !== 'RequestResponse' && invocationType !== 'Event') {
        throw new MalformedRequestError(`${PATH}.invocationType`, 'expected "RequestResponse" or "Event"');
      }
      const payload = optionalField(requestObject, 'payload') ?? null;
      if (invocationType === 'Event') {
        // Asynchronous invocation: AppSync does not wait, and the function's failure never reaches the resolver.
        call(operation === 'BatchInvoke' ? [payload] : payload).catch(() => undefined);
        return { result: null };
      }
      return operation === 'Invoke' ? call(payload) : enqueue(payload);
    },
  };
}
