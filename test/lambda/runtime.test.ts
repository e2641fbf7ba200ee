import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaFunctionDefinition } from '../../local/lambda/description.js';
import {
  LambdaBundleError,
  LambdaFunctionNotFoundError,
  LambdaHandlerError,
  LambdaInvocationError,
  LambdaReservedVariableError,
  LambdaRuntimeClosedError,
  LambdaRuntimeExitError,
  LambdaTimeoutError,
} from '../../local/lambda/errors.js';
import { startLambdaRuntime, type LambdaRuntime, type LambdaRuntimeOptions } from '../../local/lambda/runtime.js';

const rootDir = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string): string => `test/lambda/fixtures/${name}.ts`;
const cacheDirectory = path.join(rootDir, 'node_modules', '.cache', 'wavechat', 'lambda');
const HOST_ONLY_VARIABLE = 'WAVECHAT_TEST_HOST_ONLY';

const functions: LambdaFunctionDefinition[] = [
  {
    name: 'alpha',
    entry: fixture('environment-report'),
    environment: { POWERTOOLS_SERVICE_NAME: 'alpha-service', TABLE_NAME: { tableName: 'chat' } },
  },
  {
    name: 'beta',
    entry: fixture('environment-report'),
    environment: { POWERTOOLS_SERVICE_NAME: 'beta-service', EVENT_BUS: { output: 'eventBusName' } },
  },
  { name: 'counter', entry: fixture('counter') },
  { name: 'crowded', entry: fixture('counter') },
  { name: 'spinner', entry: fixture('counter'), timeoutSeconds: 0.5 },
  { name: 'failing', entry: fixture('failing') },
  { name: 'callback', entry: fixture('callback'), timeoutSeconds: 7 },
  { name: 'broken-init', entry: fixture('broken-init') },
  { name: 'no-such-export', entry: fixture('counter'), handler: 'missing' },
];

const baseOptions: Omit<LambdaRuntimeOptions, 'functions'> = {
  rootDir,
  resolveEnvironment: (value) => ('tableName' in value ? `local-${value.tableName}` : `local-${value.output}`),
  baseEnvironment: { AWS_ACCESS_KEY_ID: 'local-backend', SHARED_SETTING: 'from-base' },
  region: 'eu-west-1',
  maxConcurrencyPerFunction: 2,
};

/** Log lines the runtime reports, with a way to await one. */
class LogCollector {
  private readonly lines: { functionName: string; line: string }[] = [];
  private readonly waiters: { match: (functionName: string, line: string) => boolean; resolve: () => void }[] = [];

  readonly log = (functionName: string, line: string): void => {
    this.lines.push({ functionName, line });
    for (const waiter of this.waiters.filter(({ match }) => match(functionName, line))) waiter.resolve();
  };

  waitFor(functionName: string, pattern: RegExp): Promise<string> {
    const found = this.lines.find((entry) => entry.functionName === functionName && pattern.test(entry.line));
    if (found !== undefined) return Promise.resolve(found.line);
    return new Promise((resolve) => {
      let matched = '';
      this.waiters.push({
        match: (name, line) => {
          if (name !== functionName || !pattern.test(line)) return false;
          matched = line;
          return true;
        },
        resolve: () => resolve(matched),
      });
    });
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

interface CounterResult {
  readonly invocations: number;
  readonly threadId: number;
}

describe('startLambdaRuntime', () => {
  const logs = new LogCollector();
  let runtime: LambdaRuntime;

  beforeAll(async () => {
    process.env[HOST_ONLY_VARIABLE] = 'host';
    runtime = await startLambdaRuntime({ ...baseOptions, functions, log: logs.log });
  });

  afterAll(async () => {
    delete process.env[HOST_ONLY_VARIABLE];
    await runtime?.close();
  });

  it('runs two functions at once, each with its own environment and Lambda’s reserved variables', async () => {
    const barrier = { channel: `environment-${randomUUID()}`, parties: 2 };
    // The fixture meets its peer before writing process.env and again before reading it: with a shared
    // process.env, one function would read the other's LAST_WRITER; with no concurrency, it would never return.
    const [alpha, beta] = (await Promise.all([
      runtime.invoke('alpha', { barrier }),
      runtime.invoke('beta', { barrier }),
    ])) as { env: Record<string, string>; item: unknown }[];

    expect(alpha?.env).toMatchObject({
      LAST_WRITER: 'alpha',
      POWERTOOLS_SERVICE_NAME: 'alpha-service',
      TABLE_NAME: 'local-chat',
      SHARED_SETTING: 'from-base',
      AWS_ACCESS_KEY_ID: 'local-backend',
      AWS_LAMBDA_FUNCTION_NAME: 'alpha',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/alpha',
      _HANDLER: 'index.handler',
      TZ: ':UTC',
    });
    expect(alpha?.env['AWS_LAMBDA_LOG_STREAM_NAME']).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(alpha?.env['AWS_EXECUTION_ENV']).toMatch(/^AWS_Lambda_nodejs\d+\.x$/);
    expect(alpha?.env['LAMBDA_TASK_ROOT']?.startsWith(cacheDirectory + path.sep)).toBe(true);
    expect(alpha?.env).not.toHaveProperty('EVENT_BUS');
    expect(alpha?.env).not.toHaveProperty(HOST_ONLY_VARIABLE);
    // The npm package imported by the TypeScript fixture resolved from the repository's node_modules.
    expect(alpha?.item).toEqual({ service: { S: 'alpha-service' } });

    expect(beta?.env).toMatchObject({
      LAST_WRITER: 'beta',
      POWERTOOLS_SERVICE_NAME: 'beta-service',
      EVENT_BUS: 'local-eventBusName',
      AWS_LAMBDA_FUNCTION_NAME: 'beta',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/beta',
    });
    expect(beta?.env).not.toHaveProperty('TABLE_NAME');
    expect(beta?.item).toEqual({ service: { S: 'beta-service' } });
    expect(beta?.env['LAMBDA_TASK_ROOT']).not.toBe(alpha?.env['LAMBDA_TASK_ROOT']);
    // The host process keeps its own environment.
    expect(process.env['POWERTOOLS_SERVICE_NAME']).toBeUndefined();
    expect(process.env['LAST_WRITER']).toBeUndefined();
  });

  it('keeps module state across invocations of one container', async () => {
    const first = (await runtime.invoke('counter', {})) as CounterResult;
    const second = (await runtime.invoke('counter', {})) as CounterResult;
    expect(first.invocations).toBe(1);
    expect(second).toEqual({ invocations: 2, threadId: first.threadId });
  });

  it('runs at most maxConcurrencyPerFunction containers of a function; further invocations queue', async () => {
    // Five invocations at once: two start containers, three wait and then run on those containers.
    const results = (await Promise.all(
      [1, 2, 3, 4, 5].map(() => runtime.invoke('crowded', {})),
    )) as CounterResult[];
    const threads = new Set(results.map(({ threadId }) => threadId));
    expect(threads.size).toBe(2);
    // Each container counted its own invocations: 1…k on one, 1…(5 - k) on the other.
    for (const thread of threads) {
      const counts = results.filter(({ threadId }) => threadId === thread).map(({ invocations }) => invocations);
      expect(counts.sort()).toEqual(counts.map((_, index) => index + 1));
    }
  });

  it('times out a runaway handler, terminates its container and runs the next invocation on a fresh one', async () => {
    const warm = (await runtime.invoke('spinner', {})) as CounterResult;
    const error = await failure(runtime.invoke('spinner', { spin: true }));
    expect(error).toBeInstanceOf(LambdaTimeoutError);
    expect((error as LambdaTimeoutError).toPayload()).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 0\.50 seconds$/),
    });
    const fresh = (await runtime.invoke('spinner', {})) as CounterResult;
    expect(fresh.invocations).toBe(1);
    expect(fresh.threadId).not.toBe(warm.threadId);
  });

  it('reports thrown errors as Lambda does and keeps the container', async () => {
    const before = (await runtime.invoke('failing', { mode: 'none' })) as CounterResult;
    const thrown = await failure(runtime.invoke('failing', { mode: 'throw' }));
    expect(thrown).toBeInstanceOf(LambdaHandlerError);
    expect(thrown).toBeInstanceOf(LambdaInvocationError);
    const payload = (thrown as LambdaHandlerError).toPayload();
    expect(payload.errorType).toBe('ValidationFailed');
    expect(payload.errorMessage).toBe('title is empty');
    expect(payload.trace[0]).toBe('ValidationFailed: title is empty');
    // Source maps: the trace points at the TypeScript fixture, not the bundle.
    expect(payload.trace[1]).toContain(path.join('test', 'lambda', 'fixtures', 'failing.ts'));

    const text = await failure(runtime.invoke('failing', { mode: 'reject-text' }));
    expect((text as LambdaHandlerError).toPayload()).toEqual({
      errorType: 'string',
      errorMessage: 'plain text',
      trace: [],
    });
    const after = (await runtime.invoke('failing', { mode: 'none' })) as CounterResult;
    expect(after).toEqual({ invocations: before.invocations + 3, threadId: before.threadId });
  });

  it('fails the invocation when its container crashes, and starts a fresh container next time', async () => {
    const before = (await runtime.invoke('failing', { mode: 'none' })) as CounterResult;

    const uncaught = await failure(runtime.invoke('failing', { mode: 'uncaught' }));
    expect(uncaught).toBeInstanceOf(LambdaHandlerError);
    expect((uncaught as LambdaHandlerError).toPayload()).toMatchObject({
      errorType: 'RangeError',
      errorMessage: 'late failure',
    });
    const afterUncaught = (await runtime.invoke('failing', { mode: 'none' })) as CounterResult;
    expect(afterUncaught.invocations).toBe(1);
    expect(afterUncaught.threadId).not.toBe(before.threadId);

    const rejection = await failure(runtime.invoke('failing', { mode: 'unhandled-rejection' }));
    expect((rejection as LambdaHandlerError).toPayload()).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody waits',
    });

    const exited = await failure(runtime.invoke('failing', { mode: 'exit' }));
    expect(exited).toBeInstanceOf(LambdaRuntimeExitError);
    expect((exited as LambdaRuntimeExitError).toPayload()).toMatchObject({
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/),
    });
    const afterExit = (await runtime.invoke('failing', { mode: 'none' })) as CounterResult;
    expect(afterExit.invocations).toBe(1);
  });

  it('runs callback handlers with a Lambda context, and logs console output in Lambda’s format', async () => {
    const result = (await runtime.invoke('callback', { n: 21 })) as {
      doubled: number;
      context: Record<string, unknown>;
      logStreamVariable: string;
    };
    expect(result.doubled).toBe(42);
    expect(result.context).toMatchObject({
      functionName: 'callback',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:callback',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/callback',
      logStreamName: result.logStreamVariable,
    });
    expect(result.context['remainingTimeInMillis']).toBeGreaterThan(6000);
    expect(result.context['remainingTimeInMillis']).toBeLessThanOrEqual(7000);
    const requestId = result.context['awsRequestId'] as string;
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const line = await logs.waitFor('callback', /doubling 21$/);
    expect(line).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${requestId}\\tINFO\\tdoubling 21$`));
  });

  it('reports init failures: an error thrown while loading, and a missing handler export', async () => {
    const thrown = await failure(runtime.invoke('broken-init', {}));
    expect(thrown).toBeInstanceOf(LambdaHandlerError);
    expect((thrown as LambdaHandlerError).toPayload()).toMatchObject({
      errorType: 'Error',
      errorMessage: 'REQUIRED_SETTING is not set',
    });
    // Lambda retries the init on the next invocation.
    expect((await failure(runtime.invoke('broken-init', {}))) as LambdaHandlerError).toBeInstanceOf(
      LambdaHandlerError,
    );

    const missing = await failure(runtime.invoke('no-such-export', {}));
    expect((missing as LambdaHandlerError).toPayload()).toEqual({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.missing is undefined or not exported',
      trace: [],
    });
  });

  it('rejects an unknown function name', async () => {
    const error = await failure(runtime.invoke('nope', {}));
    expect(error).toBeInstanceOf(LambdaFunctionNotFoundError);
    expect((error as Error).message).toMatch(/^Function not found: nope \(defined: alpha, beta, counter/);
  });
});

describe('startLambdaRuntime failures', () => {
  it('names the function and the esbuild error when an entry cannot be bundled', async () => {
    const error = await failure(
      startLambdaRuntime({
        ...baseOptions,
        functions: [
          { name: 'fine', entry: fixture('counter') },
          { name: 'lost', entry: fixture('does-not-exist') },
        ],
      }),
    );
    expect(error).toBeInstanceOf(LambdaBundleError);
    expect(error).toMatchObject({ functionName: 'lost', entry: fixture('does-not-exist') });
    expect((error as Error).message).toMatch(/^Cannot bundle Lambda function lost .*\n.*Could not resolve/s);
  });

  it('refuses an environment that sets a variable Lambda reserves', async () => {
    const error = await failure(
      startLambdaRuntime({
        ...baseOptions,
        functions: [{ name: 'regional', entry: fixture('counter'), environment: { AWS_REGION: 'us-west-2' } }],
      }),
    );
    expect(error).toBeInstanceOf(LambdaReservedVariableError);
    expect(error).toMatchObject({ functionName: 'regional', variable: 'AWS_REGION' });
  });
});

describe('LambdaRuntime.close', () => {
  it('terminates every container, fails running invocations and removes the bundles', async () => {
    const channelName = `ping-${randomUUID()}`;
    const runtime = await startLambdaRuntime({
      ...baseOptions,
      functions: [{ name: 'pinger', entry: fixture('ping'), environment: { PING_CHANNEL: channelName } }],
      log: () => undefined,
    });
    const channel = new BroadcastChannel(channelName);
    const pongs: number[] = [];
    let onPong = (): void => undefined;
    channel.onmessage = (message) => {
      pongs.push((message as { readonly data: number }).data);
      onPong();
    };
    try {
      const [first, second] = (await Promise.all([
        runtime.invoke('pinger', {}),
        runtime.invoke('pinger', {}),
      ])) as { threadId: number; taskRoot: string }[];
      const running = failure(runtime.invoke('pinger', { hang: true }));

      // Both containers answer while the runtime is open.
      const bothAnswered = new Promise<void>((resolve) => {
        onPong = () => {
          if (new Set(pongs).size === 2) resolve();
        };
      });
      channel.postMessage('ping');
      await bothAnswered;
      expect(new Set(pongs)).toEqual(new Set([first?.threadId, second?.threadId]));

      await runtime.close();
      expect(await running).toBeInstanceOf(LambdaRuntimeClosedError);
      expect(await failure(runtime.invoke('pinger', {}))).toBeInstanceOf(LambdaRuntimeClosedError);
      expect(existsSync(first?.taskRoot ?? '')).toBe(false);

      // No container is left to answer (an absence can only be observed by waiting).
      pongs.length = 0;
      channel.postMessage('ping');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pongs).toEqual([]);
    } finally {
      channel.close();
      await runtime.close();
    }
  });
});
