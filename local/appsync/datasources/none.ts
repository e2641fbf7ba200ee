import type { DataSource, DataSourceResponse } from './types.js';

/**
 * The NONE data source: forwards the request's `payload` to the response handler as `ctx.result`
 * (null when the request has no payload), as AppSync does for local resolvers.
 *
 * @example
 * const none = createNoneDataSource();
 * const { result } = await none.invoke({ request: { payload: { id: '1' } }, scope: 'Mutation.publish' });
 * // result → { id: '1' }
 */
export function createNoneDataSource(): DataSource {
  return {
    invoke({ request }): Promise<DataSourceResponse> {
      const payload =
        typeof request === 'object' && request !== null ? (request as { payload?: unknown }).payload : undefined;
      return Promise.resolve({ result: payload ?? null });
    },
  };
}
