import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MalformedRequestError } from '../../../local/appsync/datasources/errors.js';
import { createLambdaDataSource } from '../../../local/appsync/datasources/lambda.js';
import { invokeLambda, type LambdaHandler } from '../../../local/lambda/invoke.js';
import { startLambdaRuntime } from '../../../local/lambda/runtime.js';

const scope = 'Query.user';

/** The data source's `invoke`, running `handler` in this process. */
function inProcess(functionName: string, handler: LambdaHandler, timeoutMs?: number) {
  return (event: unknown) => invokeLambda(handler, event, { functionName, timeoutMs });
}

describe('Lambda data source', () => {
  it('Invoke: calls the handler with the payload and returns its result', async () => {
    const dataSource = createLambdaDataSource({
      functionName: 'users',
      invoke: inProcess('users', async (event: { arguments: { id: string } }) => ({
        id: event.arguments.id,
        name: 'Ada',
      })),
    });
    const response = await dataSource.invoke({
      request: { operation: 'Invoke', payload: { arguments: { id: 'u1' } } },
      scope,
    });
    expect(response).toEqual({ result: { id: 'u1', name: 'Ada' } });
  });

  it('Invoke: a function error becomes ctx.error with type Lambda:Unhandled and the error message', async () => {
    class NotFound extends Error {
      override name = 'NotFound';
    }
    const dataSource = createLambdaDataSource({
      functionName: 'users',
      invoke: inProcess('users', async () => {
        throw new NotFound('no user u9');
      }),
    });
    expect(await dataSource.invoke({ request: { operation: 'Invoke', payload: {} }, scope })).toEqual({
      result: null,
      error: { message: 'no user u9', type: 'Lambda:Unhandled' },
    });
  });

  it('Invoke: a timeout becomes ctx.error too', async () => {
    const dataSource = createLambdaDataSource({
      functionName: 'slow',
      invoke: inProcess('slow', () => new Promise(() => undefined), 30),
    });
    const response = await dataSource.invoke({ request: { operation: 'Invoke', payload: {} }, scope });
    expect(response.result).toBeNull();
    expect(response.error?.type).toBe('Lambda:Unhandled');
    expect(response.error?.message).toMatch(/Task timed out after 0\.03 seconds$/);
  });

  it('BatchInvoke: requests made together reach the handler as one list; each gets its entry', async () => {
    const events: unknown[] = [];
    const dataSource = createLambdaDataSource({
      functionName: 'authors',
      maxBatchSize: 2,
      invoke: inProcess('authors', async (payloads: { id: string }[]) => {
        events.push(payloads);
        return payloads.map(({ id }) => ({ id, name: `author ${id}` }));
      }),
    });
    const responses = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        dataSource.invoke({ request: { operation: 'BatchInvoke', payload: { id } }, scope: 'Post.author' }),
      ),
    );
    expect(responses).toEqual([
      { result: { id: 'a', name: 'author a' } },
      { result: { id: 'b', name: 'author b' } },
      { result: { id: 'c', name: 'author c' } },
    ]);
    expect(events).toEqual([[{ id: 'a' }, { id: 'b' }], [{ id: 'c' }]]);
  });

  it('BatchInvoke: a function error or a result list of the wrong length fails the whole batch', async () => {
    const failing = createLambdaDataSource({
      functionName: 'authors',
      invoke: inProcess('authors', async () => {
        throw new Error('down');
      }),
    });
    const failed = await Promise.all(
      [1, 2].map((id) => failing.invoke({ request: { operation: 'BatchInvoke', payload: { id } }, scope })),
    );
    expect(failed).toEqual([
      { result: null, error: { message: 'down', type: 'Lambda:Unhandled' } },
      { result: null, error: { message: 'down', type: 'Lambda:Unhandled' } },
    ]);

    const short = createLambdaDataSource({ functionName: 'authors', invoke: inProcess('authors', async () => [1]) });
    const mismatched = await Promise.all(
      [1, 2].map((id) => short.invoke({ request: { operation: 'BatchInvoke', payload: { id } }, scope })),
    );
    for (const response of mismatched) {
      expect(response.result).toBeNull();
      expect(response.error?.message).toMatch(/expects a list of 2 results.*got a list of 1/);
    }
  });

  it('Event invocation: starts the function and returns null at once', async () => {
    let markCalled: (event: unknown) => void = () => undefined;
    const called = new Promise((resolve) => (markCalled = resolve));
    const dataSource = createLambdaDataSource({
      functionName: 'notify',
      invoke: inProcess('notify', async (event: unknown) => {
        markCalled(event);
        throw new Error('ignored for Event invocations');
      }),
    });
    const response = await dataSource.invoke({
      request: { operation: 'Invoke', invocationType: 'Event', payload: { roomId: 'r1' } },
      scope,
    });
    expect(response).toEqual({ result: null });
    expect(await called).toEqual({ roomId: 'r1' });
  });

  it('rejects requests without a known operation', async () => {
    const dataSource = createLambdaDataSource({ functionName: 'f', invoke: inProcess('f', async () => null) });
    await expect(dataSource.invoke({ request: { payload: {} }, scope })).rejects.toThrow(MalformedRequestError);
    await expect(dataSource.invoke({ request: { operation: 'Call', payload: {} }, scope })).rejects.toThrow(
      /expected "Invoke" or "BatchInvoke"/,
    );
  });

  it('runs on the Lambda runtime: results and function errors as with an in-process call', async () => {
    const lambda = await startLambdaRuntime({
      functions: [{ name: 'failing', entry: 'test/lambda/fixtures/failing.ts' }],
      rootDir: path.resolve(import.meta.dirname, '../../..'),
      resolveEnvironment: () => '',
      log: () => undefined,
    });
    try {
      const dataSource = createLambdaDataSource({
        functionName: 'failing',
        invoke: (event) => lambda.invoke('failing', event),
      });
      const ok = await dataSource.invoke({ request: { operation: 'Invoke', payload: { mode: 'none' } }, scope });
      expect(ok.result).toMatchObject({ invocations: 1 });
      expect(await dataSource.invoke({ request: { operation: 'Invoke', payload: { mode: 'throw' } }, scope })).toEqual({
        result: null,
        error: { message: 'title is empty', type: 'Lambda:Unhandled' },
      });
    } finally {
      await lambda.close();
    }
  });
});
