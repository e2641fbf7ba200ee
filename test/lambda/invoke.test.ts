import { describe, expect, it } from 'vitest';
import {
  LambdaEnvironmentConflictError,
  LambdaHandlerError,
  LambdaInvocationError,
  LambdaTimeoutError,
} from '../../local/lambda/errors.js';
import { invokeLambda, type LambdaCallback, type LambdaContext } from '../../local/lambda/invoke.js';

const options = { functionName: 'wavechat-test', timeoutMs: 2000 };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('invokeLambda', () => {
  it('resolves with an async handler’s result', async () => {
    const result = await invokeLambda(
      async (event: { name: string }) => ({ greeting: `hello ${event.name}` }),
      { name: 'ada' },
      options,
    );
    expect(result).toEqual({ greeting: 'hello ada' });
  });

  it('resolves with the value a callback handler passes to its callback', async () => {
    const handler = (event: { n: number }, _context: LambdaContext, callback: LambdaCallback): void => {
      setTimeout(() => callback(null, event.n * 2), 5);
    };
    expect(await invokeLambda(handler, { n: 21 }, options)).toBe(42);
  });

  it('gives the handler a JSON copy of the event and returns a JSON copy of the result', async () => {
    const event = { list: [1, 2], when: new Date(0), skip: undefined };
    let received: unknown;
    const result = await invokeLambda(
      async (copy: { list: number[] }) => {
        received = copy;
        copy.list.push(3);
        return { at: new Date(0), missing: undefined };
      },
      event,
      options,
    );
    expect(received).toEqual({ list: [1, 2, 3], when: '1970-01-01T00:00:00.000Z' });
    expect(event.list).toEqual([1, 2]);
    expect(result).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect(await invokeLambda(async () => undefined, undefined, options)).toBeNull();
  });

  it('passes a Lambda context', async () => {
    let seen: LambdaContext | undefined;
    let remaining = -1;
    await invokeLambda(
      async (_event: unknown, context: LambdaContext) => {
        seen = context;
        remaining = context.getRemainingTimeInMillis();
      },
      {},
      { functionName: 'chat-resolver', timeoutMs: 5000 },
    );
    expect(seen).toMatchObject({
      functionName: 'chat-resolver',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:chat-resolver',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/chat-resolver',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(seen?.awsRequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seen?.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(remaining).toBeGreaterThan(4000);
    expect(remaining).toBeLessThanOrEqual(5000);
  });

  it('reports a thrown error as Lambda does: errorType = name, errorMessage = message, trace = stack', async () => {
    class ValidationFailed extends Error {
      override name = 'ValidationFailed';
    }
    const error = await failure(
      invokeLambda(
        async () => {
          throw new ValidationFailed('title is empty');
        },
        {},
        options,
      ),
    );
    expect(error).toBeInstanceOf(LambdaHandlerError);
    const payload = (error as LambdaHandlerError).toPayload();
    expect(payload.errorType).toBe('ValidationFailed');
    expect(payload.errorMessage).toBe('title is empty');
    expect(payload.trace[0]).toBe('ValidationFailed: title is empty');
  });

  it('reports errors from synchronous throws, callbacks and non-Error values', async () => {
    const syncThrow = await failure(
      invokeLambda(
        () => {
          throw new TypeError('bad');
        },
        {},
        options,
      ),
    );
    expect((syncThrow as LambdaHandlerError).toPayload()).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'bad',
    });

    const viaCallback = await failure(
      invokeLambda(
        (_e: unknown, _c: LambdaContext, callback: LambdaCallback) => callback(new Error('nope')),
        {},
        options,
      ),
    );
    expect((viaCallback as LambdaHandlerError).toPayload()).toMatchObject({ errorType: 'Error', errorMessage: 'nope' });

    const stringThrown = await failure(invokeLambda(() => Promise.reject('plain text'), {}, options));
    expect((stringThrown as LambdaHandlerError).toPayload()).toEqual({
      errorType: 'string',
      errorMessage: 'plain text',
      trace: [],
    });
  });

  it('rejects with LambdaTimeoutError when the handler runs past its timeout', async () => {
    const error = await failure(
      invokeLambda(() => new Promise(() => undefined), {}, { functionName: 'slow', timeoutMs: 50 }),
    );
    expect(error).toBeInstanceOf(LambdaTimeoutError);
    expect(error).toBeInstanceOf(LambdaInvocationError);
    const { errorType, errorMessage } = (error as LambdaTimeoutError).toPayload();
    expect(errorType).toBe('Sandbox.Timedout');
    expect(errorMessage).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 0\.05 seconds$/);
  });

  it('finishes with null for a handler that returns no promise and takes no callback', async () => {
    expect(await invokeLambda(() => 'ignored', {}, options)).toBeNull();
  });

  it('sets env while the function runs and restores process.env afterwards', async () => {
    const name = 'WAVECHAT_TEST_TABLE';
    delete process.env[name];
    const seen = await invokeLambda(async () => process.env[name], {}, { ...options, env: { [name]: 'messages' } });
    expect(seen).toBe('messages');
    expect(process.env[name]).toBeUndefined();
  });

  it('refuses to run two functions at once that need one variable set differently', async () => {
    const name = 'WAVECHAT_TEST_SHARED';
    let release: () => void = () => undefined;
    const first = invokeLambda(
      () => new Promise<void>((resolve) => (release = resolve)),
      {},
      {
        ...options,
        env: { [name]: 'one' },
      },
    );
    const conflicting = await failure(
      invokeLambda(async () => 1, {}, { ...options, functionName: 'other', env: { [name]: 'two' } }),
    );
    expect(conflicting).toBeInstanceOf(LambdaEnvironmentConflictError);
    expect(await invokeLambda(async () => process.env[name], {}, { ...options, env: { [name]: 'one' } })).toBe('one');
    release();
    await first;
    expect(process.env[name]).toBeUndefined();
  });
});
