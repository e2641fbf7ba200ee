/**
 * The local Lambda service: runs the app's functions as Lambda does. Each function is bundled by esbuild from its
 * TypeScript entry (as CDK's NodejsFunction does) and runs in containers — worker threads with their own
 * `process.env` (the function's environment plus Lambda's reserved variables) — that keep module state between
 * invocations, run one invocation at a time and are discarded when they time out or crash.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunction, bundleWorkerEntry, FUNCTION_MODULE } from './bundle.js';
import { LambdaContainer } from './container.js';
import { ContainerPool } from './container-pool.js';
import type { EnvironmentValue, LambdaFunctionDefinition } from './description.js';
import { LambdaFunctionNotFoundError, LambdaReservedVariableError } from './errors.js';
import {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_REGION,
  FUNCTION_VERSION,
  logGroupName,
  newLogStreamName,
} from './handler.js';
import type { LocalLogger } from '../logging/logger.js';

export interface LambdaRuntimeOptions {
  readonly functions: readonly LambdaFunctionDefinition[];
  /** The repository root: entries are relative to it, and bundles go to its node_modules/.cache/wavechat/lambda. */
  readonly rootDir: string;
  /** Resolves `{tableName}` / `{output}` references to this cloud's values. */
  readonly resolveEnvironment: (value: Exclude<EnvironmentValue, string>) => string;
  /** Added to every function's environment (e.g. AWS credentials of the local backend principal, region). */
  readonly baseEnvironment?: Readonly<Record<string, string>>;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Containers per function that may run at once; more invocations queue. @default 4 */
  readonly maxConcurrencyPerFunction?: number;
  /** Where worker console output goes (one line each, prefixed with the function name). @default process.stderr */
  readonly log?: (functionName: string, line: string) => void;
  /** One info line per invocation: function, outcome, duration. @default silent */
  readonly logger?: LocalLogger;
}

export interface LambdaRuntime {
  /**
   * Invokes synchronously (RequestResponse): resolves with the handler's result, rejects with LambdaInvocationError.
   * @throws {@link LambdaFunctionNotFoundError} for a name that is not among the functions
   * @throws {@link LambdaHandlerError} when the handler throws, rejects, calls back with an error or crashes its
   *   container, or its module fails to load
   * @throws {@link LambdaTimeoutError} after the function's timeout (its container is terminated)
   * @throws {@link LambdaRuntimeExitError} when the container exits during the invocation
   * @throws {@link LambdaRuntimeClosedError} once {@link LambdaRuntime.close} was called
   */
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Terminates all workers. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_HANDLER = 'handler';
const DEFAULT_MAX_CONCURRENCY = 4;
const WORKER_SOURCE = fileURLToPath(new URL('./worker.ts', import.meta.url));

/**
 * Variables the Lambda runtime sets itself; AWS refuses to deploy a function whose environment sets one. The
 * credentials among them come from `baseEnvironment` locally (Lambda takes them from the execution role).
 */
const RESERVED_VARIABLES = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_REGION',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
]);

interface RunnableFunction {
  readonly definition: LambdaFunctionDefinition;
  /** Every container's environment but its log stream name. */
  readonly environment: Readonly<Record<string, string>>;
  readonly taskRoot: string;
}

function writeToStderr(functionName: string, line: string): void {
  process.stderr.write(`[${functionName}] ${line}\n`);
}

/** A directory name for the function's bundle: its name, with anything unsafe in a path replaced. */
function taskDirectoryName(functionName: string): string {
  return functionName.replace(/[^A-Za-z0-9._-]/g, '_');
}

function functionEnvironment(
  definition: LambdaFunctionDefinition,
  taskRoot: string,
  options: LambdaRuntimeOptions,
): Record<string, string> {
  const region = options.region ?? DEFAULT_REGION;
  // Lambda's PATH and LANG are the sandbox's; the host's PATH lets functions spawn the same tools.
  const environment: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    LANG: 'en_US.UTF-8',
    ...options.baseEnvironment,
  };
  for (const [name, value] of Object.entries(definition.environment ?? {})) {
    if (RESERVED_VARIABLES.has(name)) throw new LambdaReservedVariableError(definition.name, name);
    environment[name] = typeof value === 'string' ? value : options.resolveEnvironment(value);
  }
  return {
    ...environment,
    AWS_LAMBDA_FUNCTION_NAME: definition.name,
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(DEFAULT_MEMORY_LIMIT_MB),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(definition.name),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
    LAMBDA_TASK_ROOT: taskRoot,
    _HANDLER: `${FUNCTION_MODULE}.${definition.handler ?? DEFAULT_HANDLER}`,
    TZ: ':UTC',
  };
}

/** Bundles everything, or removes what was written and rethrows the first failure. */
async function bundleAll(
  runDirectory: string,
  workerFile: string,
  functions: readonly RunnableFunction[],
  rootDir: string,
): Promise<void> {
  const results = await Promise.allSettled([
    bundleWorkerEntry(WORKER_SOURCE, workerFile),
    ...functions.map(({ definition, taskRoot }) =>
      bundleFunction(definition.name, definition.entry, rootDir, taskRoot),
    ),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure === undefined) return;
  await rm(runDirectory, { recursive: true, force: true });
  throw failure.reason;
}

/**
 * Bundles the functions (in parallel) and returns the runtime that invokes them. Containers start on demand: the
 * first invocation of a container loads its bundle (the cold start).
 *
 * @throws {@link LambdaBundleError} naming the function whose entry esbuild cannot bundle
 * @throws {@link LambdaReservedVariableError} when a function's environment sets a variable Lambda reserves
 * @example
 * const lambda = await startLambdaRuntime({
 *   functions: [
 *     { name: 'sendMessage', entry: 'lambdas/send-message.ts', environment: { TABLE: { tableName: 'chat' } } },
 *   ],
 *   rootDir: process.cwd(),
 *   resolveEnvironment: (value) => ('tableName' in value ? value.tableName : outputs[value.output]),
 *   baseEnvironment: { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
 * });
 * const result = await lambda.invoke('sendMessage', { body: '{"text":"hi"}' });
 * await lambda.close();
 */
export async function startLambdaRuntime(options: LambdaRuntimeOptions): Promise<LambdaRuntime> {
  const { rootDir } = options;
  const cacheDirectory = path.join(rootDir, 'node_modules', '.cache', 'wavechat', 'lambda');
  await mkdir(cacheDirectory, { recursive: true });
  // One directory per runtime: several local clouds (or test files) may run from one checkout at once.
  const runDirectory = await mkdtemp(path.join(cacheDirectory, 'run-'));
  let functions: RunnableFunction[];
  try {
    functions = options.functions.map((definition) => {
      const taskRoot = path.join(runDirectory, taskDirectoryName(definition.name));
      return { definition, taskRoot, environment: functionEnvironment(definition, taskRoot, options) };
    });
  } catch (error) {
    await rm(runDirectory, { recursive: true, force: true });
    throw error;
  }
  const workerFile = path.join(runDirectory, 'worker.mjs');
  await bundleAll(runDirectory, workerFile, functions, rootDir);

  const log = options.log ?? writeToStderr;
  const maxConcurrency = options.maxConcurrencyPerFunction ?? DEFAULT_MAX_CONCURRENCY;
  const pools = new Map(
    functions.map(({ definition, environment }) => {
      const timeoutMs = (definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
      const pool = new ContainerPool(
        definition.name,
        maxConcurrency,
        (onDead) =>
          new LambdaContainer({
            functionName: definition.name,
            workerFile,
            env: { ...environment, AWS_LAMBDA_LOG_STREAM_NAME: newLogStreamName() },
            timeoutMs,
            log,
            onDead,
          }),
      );
      return [definition.name, pool] as const;
    }),
  );

  return {
    async invoke(functionName, event) {
      const pool = pools.get(functionName);
      if (pool === undefined) throw new LambdaFunctionNotFoundError(functionName, [...pools.keys()]);
      const { logger } = options;
      // JSON text, as Lambda's events are: what JSON cannot carry (undefined, functions) is dropped here as there.
      const eventJson = JSON.stringify(event) ?? 'null';
      if (!logger) return pool.invoke(eventJson);
      const startedAt = performance.now();
      try {
        const result = await pool.invoke(eventJson);
        const durationMs = Math.round(performance.now() - startedAt);
        logger.info({ functionName, durationMs }, `invoke ${functionName}: ok (${durationMs} ms)`);
        return result;
      } catch (error) {
        const durationMs = Math.round(performance.now() - startedAt);
        logger.warn({ functionName, durationMs, err: error }, `invoke ${functionName}: failed (${durationMs} ms)`);
        throw error;
      }
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      await rm(runDirectory, { recursive: true, force: true });
    },
  };
}
