/**
 * The entry of a Lambda container's worker thread, playing the Lambda Node.js runtime's bootstrap: it patches the
 * console as Lambda does, loads the function module named by `LAMBDA_TASK_ROOT` and `_HANDLER`, then runs one
 * invocation at a time. Uncaught exceptions and unhandled rejections fail the running invocation and end the
 * container (exit status 129 and 128, as Lambda's runtime exits).
 *
 * The runtime bundles this file with esbuild and starts it with `new Worker(bundle, { env })`; it is not imported.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import type { LambdaErrorPayload } from './errors.js';
import { createLambdaContext, errorPayload, runHandler, type LambdaHandler } from './handler.js';
import type { ContainerMessage, InvokeMessage } from './worker-protocol.js';

const UNCAUGHT_EXCEPTION_EXIT_STATUS = 129;
const UNHANDLED_REJECTION_EXIT_STATUS = 128;

if (parentPort === null) throw new Error('worker.ts runs as the worker thread of a Lambda container');
const port = parentPort;

function send(message: ContainerMessage): void {
  port.postMessage(message);
}

function requiredVariable(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`A Lambda container needs ${name} in its environment`);
  return value;
}

// Read once: the function's own code may change process.env.
const functionName = requiredVariable('AWS_LAMBDA_FUNCTION_NAME');
const region = requiredVariable('AWS_REGION');
const memoryLimitInMB = Number(requiredVariable('AWS_LAMBDA_FUNCTION_MEMORY_SIZE'));
const logStreamName = requiredVariable('AWS_LAMBDA_LOG_STREAM_NAME');
const taskRoot = requiredVariable('LAMBDA_TASK_ROOT');
const handlerSetting = requiredVariable('_HANDLER');

/** The invocation running now, or the last one (Lambda keeps tagging late log lines with it); undefined during init. */
let currentRequestId: string | undefined;

/** Lambda's console: one entry per call, `<ISO time>\t<request id>\t<LEVEL>\t<message>`. */
function patchConsole(): void {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
  for (const [method, level] of Object.entries(levels)) {
    console[method as keyof typeof levels] = (...args: unknown[]) => {
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`);
    };
  }
}

function crash(error: LambdaErrorPayload, exitStatus: number, label: string): void {
  console.error(label, JSON.stringify(error));
  send({ type: 'crash', error });
  process.exit(exitStatus);
}

/** Lambda's `Runtime.UnhandledPromiseRejection`: the reason's text as the message. */
function unhandledRejectionPayload(reason: unknown): LambdaErrorPayload {
  return {
    errorType: 'Runtime.UnhandledPromiseRejection',
    errorMessage: String(reason),
    trace: errorPayload(reason).trace,
  };
}

/** `_HANDLER` is `<module>.<export>`; the module is an ES module file in the task root. */
async function loadHandler(): Promise<LambdaHandler | LambdaErrorPayload> {
  const separator = handlerSetting.indexOf('.');
  const moduleName = handlerSetting.slice(0, separator);
  const exportName = handlerSetting.slice(separator + 1);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path.join(taskRoot, `${moduleName}.mjs`)).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return { errorType: 'Runtime.ImportModuleError', errorMessage: String(error), trace: errorPayload(error).trace };
    }
    return errorPayload(error);
  }
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    return {
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: `${handlerSetting} is undefined or not exported`,
      trace: [],
    };
  }
  return handler as LambdaHandler;
}

async function invoke(handler: LambdaHandler, { requestId, eventJson, deadline }: InvokeMessage): Promise<void> {
  currentRequestId = requestId;
  const context = createLambdaContext({
    functionName,
    region,
    memoryLimitInMB,
    awsRequestId: requestId,
    logStreamName,
    deadline,
  });
  send({ type: 'outcome', requestId, outcome: await runHandler(handler, JSON.parse(eventJson), context) });
}

process.setSourceMapsEnabled(true);
patchConsole();
process.on('uncaughtException', (error) => {
  crash(errorPayload(error), UNCAUGHT_EXCEPTION_EXIT_STATUS, 'Uncaught Exception');
});
process.on('unhandledRejection', (reason) => {
  crash(unhandledRejectionPayload(reason), UNHANDLED_REJECTION_EXIT_STATUS, 'Unhandled Promise Rejection');
});

const loaded = await loadHandler();
if (typeof loaded === 'function') {
  port.on('message', (message: InvokeMessage) => void invoke(loaded, message));
  send({ type: 'ready' });
} else {
  send({ type: 'init-error', error: loaded });
}
