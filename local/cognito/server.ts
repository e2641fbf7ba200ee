/**
 * Runs cognito-local (a Cognito user-pool emulator) as a child process.
 *
 * cognito-local reads its port and host only from `PORT`/`HOST` and keeps its state in `./.cognito` of its working
 * directory, so it is started with those env variables and `cwd = dataDir` (local-components.md §3).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { CognitoLocalStartError, PortInUseError } from './errors.js';

/** A running cognito-local. */
export interface CognitoLocal {
  /** e.g. `http://127.0.0.1:9229`; also the start of every token's `iss`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the process (state stays in `dataDir/.cognito`). Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartCognitoLocalOptions {
  /** Port on 127.0.0.1; absent or 0 picks a free one (`local/start.ts` passes cognito-local's usual 9229). */
  readonly port?: number;
  /** Working directory of cognito-local; its state lands in `dataDir/.cognito`. Created if missing. */
  readonly dataDir: string;
}

const HOST = '127.0.0.1';
const FREE_PORT_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
/**
 * Preloaded into the child: exit when our end of its stdin closes, so cognito-local dies with this process even
 * when this process is killed outright and its 'exit' handler never runs.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  'process.stdin.on("end", () => process.exit(0)); process.stdin.resume();',
)}`;

/**
 * Starts cognito-local and waits until `/health` answers.
 *
 * @throws PortInUseError when the port is taken.
 * @throws CognitoLocalStartError when cognito-local exits or stays silent for 60 s.
 * @example
 * ```ts
 * const cognito = await startCognitoLocal({ dataDir: '.wavechat/cognito', port: 9229 });
 * // cognito.endpoint === 'http://127.0.0.1:9229'
 * const pool = await provisionUserPool(cognito.endpoint, { poolName: 'wavechat', clientName: 'web' });
 * // …
 * await cognito.stop();
 * ```
 */
export async function startCognitoLocal(options: StartCognitoLocalOptions): Promise<CognitoLocal> {
  await mkdir(options.dataDir, { recursive: true });
  if (options.port) return launch(options.port, options.dataDir);
  // cognito-local builds token issuers from its PORT, so the port is picked here rather than by the OS at listen
  // time; another process may take it in between, hence a few tries.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launch(await findFreePort(), options.dataDir);
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt === FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

async function launch(port: number, dataDir: string): Promise<CognitoLocal> {
  await assertPortFree(port);
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, cognitoLocalStartScript()], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(port), HOST, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = collectOutputTail(child);
  const exited = once(child, 'exit');
  const killWithUs = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killWithUs);

  const endpoint = `http://${HOST}:${port}`;
  try {
    await waitUntilHealthy(endpoint, exited, output, port);
  } catch (error) {
    await stopChild(child);
    process.removeListener('exit', killWithUs);
    throw error;
  }

  let stopping: Promise<void> | null = null;
  return {
    endpoint,
    port,
    stop() {
      stopping ??= stopChild(child).finally(() => process.removeListener('exit', killWithUs));
      return stopping;
    },
  };
}

function cognitoLocalStartScript(): string {
  const packageJson = createRequire(import.meta.url).resolve('cognito-local/package.json');
  return path.join(path.dirname(packageJson), 'lib', 'bin', 'start.js');
}

/** Keeps the last few KB cognito-local printed (and drains its pipes, which would otherwise fill and block it). */
function collectOutputTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail.trim();
}

async function waitUntilHealthy(endpoint: string, exited: Promise<unknown>, output: () => string, port: number): Promise<void> {
  let hasExited = false;
  const markExited = (): void => {
    hasExited = true;
  };
  // 'error' (e.g. spawn failure) rejects `exited`; either way the child is gone.
  const exitedEarly = exited.then(markExited, markExited);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited) {
      if (output().includes('EADDRINUSE')) throw new PortInUseError(port);
      throw new CognitoLocalStartError('cognito-local exited before it was ready.', output());
    }
    if (await answersHealth(endpoint)) return;
    await Promise.race([exitedEarly, delay(50)]);
  }
  throw new CognitoLocalStartError(`cognito-local did not answer ${endpoint}/health within ${READY_TIMEOUT_MS} ms.`, output());
}

async function answersHealth(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('A TCP server on port 0 reported no port.');
  return address.port;
}

async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  try {
    server.listen(port, HOST);
    await once(server, 'listening');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port);
    throw error;
  }
  server.close();
  await once(server, 'close');
}
