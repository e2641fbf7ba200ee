import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from './client.js';
import { dynamoDbLocalPaths, type DynamoDbLocalPaths } from './emulator-location.mjs';
import { DynamoDbLocalNotInstalledError, DynamoDbLocalStartError, JavaNotFoundError, PortInUseError } from './errors.js';
import { compileLoopbackShim, findJavac, LOOPBACK_SHIM_CLASS, loopbackShimPaths } from './loopback-shim.mjs';

export interface DynamoDbLocalOptions {
  /**
   * TCP port on 127.0.0.1; 0 or absent picks a free one. DynamoDB Local has no bind-host option and would listen on
   * every interface: a shim (`LoopbackDynamoDbLocal.java`) restricts it to loopback.
   */
  readonly port?: number;
  /** Directory for the database file (`shared-local-instance.db`), created if missing; absent → in memory. */
  readonly dataDir?: string;
  /** Extra JVM options, placed after the defaults so they win (e.g. `-Xmx1g`). */
  readonly javaOptions?: readonly string[];
  /**
   * Environment used to find Java and javac (`JAVA_HOME`, else `PATH`) and the installed jar (`WAVECHAT_CACHE_DIR`,
   * `XDG_CACHE_HOME`, `HOME`), and given to the Java process.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * How long to wait for the first successful ListTables (at each start and restart). The JVM starts in seconds,
   * but can take over half a minute on a 2-core machine busy with other test files.
   * @default 60_000
   */
  readonly startTimeoutMs?: number;
}

/** How the Java process ended. */
export interface DynamoDbLocalExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the current Java process (a new one after {@link DynamoDbLocal.restart}). */
  readonly pid: number;
  /** Settles when the current Java process ends, whether through {@link DynamoDbLocal.stop} or a crash. */
  readonly exited: Promise<DynamoDbLocalExit>;
  /** Terminates the Java process and waits for it to exit. Safe to call more than once. */
  stop(): Promise<void>;
  /**
   * Starts DynamoDB Local again on the same port with the same options — the same data directory, so an on-disk
   * database comes back with its tables, items and streams — after its process ended (crashed, killed, stopped),
   * or, if it still runs, after stopping it. Resolves once it answers ListTables. Clients need no change: the
   * endpoint stays the same.
   *
   * @throws {@link PortInUseError} when another process took the port meanwhile, {@link DynamoDbLocalStartError}
   * @example
   * ```ts
   * process.kill(dynamoDb.pid, 'SIGKILL'); // a crash
   * await dynamoDb.exited;
   * await dynamoDb.restart();
   * ```
   */
  restart(): Promise<void>;
}

/** Small heap and quick start-up: the local cloud runs on laptops and 2-core CI machines next to other services. */
const DEFAULT_JAVA_OPTIONS = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'];
const DEFAULT_START_TIMEOUT_MS = 60_000;
const READY_POLL_INTERVAL_MS = 25;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 8_192;
/** Attempts when a picked free port is grabbed by someone else before Java binds it. */
const FREE_PORT_ATTEMPTS = 3;
/** Jetty's message when the port is taken (the shim prints the stack trace, then exits). */
const BIND_FAILURE = /Failed to bind to|java\.net\.BindException/;
/** What Java prints when source-file mode is asked of a runtime without the compiler (a jlink'ed JRE). */
const NO_SOURCE_FILE_MODE = /Module jdk\.compiler/;

/**
 * Starts Amazon DynamoDB Local (installed by `local/dynamodb/install.mjs`) and resolves once it answers ListTables.
 *
 * It listens on 127.0.0.1 only, runs with `-sharedDb` (every credential and region sees the same tables) and telemetry
 * off. DynamoDB Local itself has no bind-host option, so its main class is the shim `LoopbackDynamoDbLocal.java`,
 * compiled by install.mjs or else here on first use (javac from `JAVA_HOME`, else `PATH`; ~2 s, once per machine) into
 * the per-user cache next to the jar; it starts as fast as the plain jar. Without javac the shim runs in Java's
 * source-file mode: ~1 s slower per start, and it needs the jdk.compiler module (Debian's and Ubuntu's JREs have it).
 *
 * The Java process is terminated when this Node process exits or is killed by a signal nobody else handles; on Linux
 * it also receives SIGTERM if this process dies abruptly (`setpriv --pdeathsig`, when available).
 *
 * @throws {@link JavaNotFoundError}, {@link DynamoDbLocalNotInstalledError}, {@link PortInUseError},
 *   {@link DynamoDbLocalStartError}
 * @example
 * ```ts
 * const dynamoDb = await startDynamoDbLocal({ dataDir: '.wavechat/dynamodb' });
 * const client = createDynamoDbClient(dynamoDb.endpoint);
 * await createTables(client, [chatTable]);
 * // …
 * await dynamoDb.stop();
 * ```
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const env = options.env ?? process.env;
  const paths = dynamoDbLocalPaths(env);
  if (!existsSync(paths.jarPath)) throw new DynamoDbLocalNotInstalledError(paths.jarPath);
  const java = findJava(env);
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });

  const fixedPort = options.port ? options.port : undefined;
  if (fixedPort !== undefined && !(await isPortFree(fixedPort))) throw new PortInUseError(fixedPort);

  const shim = await loopbackShim(paths, env);
  const javaArgs = [
    ...DEFAULT_JAVA_OPTIONS,
    ...(options.javaOptions ?? []),
    `-Djava.library.path=${paths.libraryDir}`,
    ...shim.javaArgs,
    '-sharedDb',
    '-disableTelemetry',
    ...(dataDir === undefined ? ['-inMemory'] : ['-dbPath', dataDir]),
  ];
  const launchSettings = {
    java,
    env,
    sourceFileMode: shim.sourceFileMode,
    parentDeathWrapper: findParentDeathWrapper(env),
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
  };

  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    const portArgs = [...javaArgs, '-port', String(port)];
    const result = await launch(port, portArgs, launchSettings);
    if (result.kind === 'started') {
      return new LaunchedDynamoDbLocal(port, portArgs, launchSettings, result.process);
    }
    if (fixedPort !== undefined) throw new PortInUseError(fixedPort);
    if (attempt === FREE_PORT_ATTEMPTS) {
      throw new DynamoDbLocalStartError(`${attempt} free ports were taken before Java could bind them`, result.output);
    }
  }
}

/** How Java runs the loopback shim: class path and main class (or source file) for the command line. */
interface LoopbackShimLaunch {
  readonly javaArgs: readonly string[];
  /** The shim is compiled from source at every start: slower, and impossible without the jdk.compiler module. */
  readonly sourceFileMode: boolean;
}

/** The compiled shim from the cache, compiling it first when javac is available; else its source file. */
async function loopbackShim(paths: DynamoDbLocalPaths, env: NodeJS.ProcessEnv): Promise<LoopbackShimLaunch> {
  const shim = loopbackShimPaths(paths.installDir);
  const javac = existsSync(shim.classFile) ? undefined : findJavac(env);
  // A failed compilation (say, a read-only cache) leaves source-file mode, which reports any real compile error.
  if (javac !== undefined) await compileLoopbackShim({ javac, jarPath: paths.jarPath, classDir: shim.classDir });
  if (existsSync(shim.classFile)) {
    const classPath = `${shim.classDir}${delimiter}${paths.jarPath}`;
    return { javaArgs: ['-cp', classPath, LOOPBACK_SHIM_CLASS], sourceFileMode: false };
  }
  return { javaArgs: ['-cp', paths.jarPath, shim.sourcePath], sourceFileMode: true };
}

interface LaunchSettings {
  readonly java: string;
  readonly env: NodeJS.ProcessEnv;
  readonly sourceFileMode: boolean;
  readonly parentDeathWrapper: CommandPrefix | undefined;
  readonly startTimeoutMs: number;
}

/** One Java process of a DynamoDB Local. */
interface JavaProcess {
  readonly pid: number;
  readonly exited: Promise<DynamoDbLocalExit>;
  stop(): Promise<void>;
}

type LaunchResult =
  | { readonly kind: 'started'; readonly process: JavaProcess }
  | { readonly kind: 'port-taken'; readonly output: string };

/** A DynamoDB Local whose Java process can be replaced ({@link DynamoDbLocal.restart}) on the same port. */
class LaunchedDynamoDbLocal implements DynamoDbLocal {
  readonly endpoint: string;
  private restarting: Promise<void> | undefined;

  constructor(
    readonly port: number,
    private readonly javaArgs: readonly string[],
    private readonly settings: LaunchSettings,
    private current: JavaProcess,
  ) {
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  get pid(): number {
    return this.current.pid;
  }

  get exited(): Promise<DynamoDbLocalExit> {
    return this.current.exited;
  }

  async stop(): Promise<void> {
    // A restart under way would start a process after this stop: let it finish, then stop what it started.
    await this.restarting?.catch(() => undefined);
    await this.current.stop();
  }

  restart(): Promise<void> {
    this.restarting ??= (async () => {
      await this.current.stop();
      const result = await launch(this.port, this.javaArgs, this.settings);
      if (result.kind === 'port-taken') throw new PortInUseError(this.port);
      this.current = result.process;
    })().finally(() => {
      this.restarting = undefined;
    });
    return this.restarting;
  }
}

async function launch(port: number, javaArgs: readonly string[], settings: LaunchSettings): Promise<LaunchResult> {
  const wrapper = settings.parentDeathWrapper;
  const command = wrapper ? wrapper.command : settings.java;
  const child = spawn(command, wrapper ? [...wrapper.args, settings.java, ...javaArgs] : javaArgs, {
    // With DDB_LOCAL_TELEMETRY=0 it writes nothing to its working directory, but keep any stray file out of the repo.
    cwd: tmpdir(),
    env: { ...settings.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);

  let output = '';
  const collectOutput = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', collectOutput);
  child.stderr?.on('data', collectOutput);

  let exit: DynamoDbLocalExit | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<DynamoDbLocalExit>((resolveExit) => {
    // 'close' rather than 'exit': it comes after stdout/stderr are drained, so `output` holds Java's last words.
    child.once('close', (code, signal) => {
      exit = { code, signal };
      resolveExit(exit);
    });
    // Spawn failures emit 'error' (and possibly no 'close').
    child.once('error', (error) => {
      spawnError = error;
      exit = { code: null, signal: null };
      resolveExit(exit);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminate(child, exited);
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDynamoDbClient(endpoint, {
    maxAttempts: 1,
    // Without throwOnRequestTimeout a timed-out request only logs a warning and never settles: a foreign server that
    // took the port after our check and accepts without answering would stall the loop before it sees Java's output.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  const deadline = Date.now() + settings.startTimeoutMs;
  try {
    for (;;) {
      if (BIND_FAILURE.test(output)) {
        await stop();
        return { kind: 'port-taken', output };
      }
      if (exit !== undefined) {
        const reason = spawnError
          ? `cannot run ${command}: ${spawnError.message}`
          : settings.sourceFileMode && NO_SOURCE_FILE_MODE.test(output)
            ? 'no javac was found to compile its loopback shim, and this Java cannot run source files (it lacks ' +
              'the jdk.compiler module): install a JDK (e.g. `apt-get install openjdk-17-jdk-headless`) or point ' +
              'JAVA_HOME at one'
            : `it exited with ${exit.code ?? exit.signal} during start-up`;
        throw new DynamoDbLocalStartError(reason, output);
      }
      if (await answersListTables(client)) break;
      if (Date.now() > deadline) {
        await stop();
        throw new DynamoDbLocalStartError(`no answer on ${endpoint} within ${settings.startTimeoutMs} ms`, output);
      }
      await delay(READY_POLL_INTERVAL_MS);
    }
  } finally {
    client.destroy();
  }

  const pid = child.pid;
  if (pid === undefined) throw new DynamoDbLocalStartError('the Java process has no pid', output);
  return { kind: 'started', process: { pid, exited, stop } };
}

async function answersListTables(client: ReturnType<typeof createDynamoDbClient>): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
}

async function terminate(child: ChildProcess, exited: Promise<DynamoDbLocalExit>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const forceKill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(forceKill);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set (as Maven and Gradle do), else `java` on PATH. */
function findJava(env: NodeJS.ProcessEnv): string {
  if (env.JAVA_HOME) {
    const candidate = join(env.JAVA_HOME, 'bin', 'java');
    if (isExecutableFile(candidate)) return candidate;
    throw new JavaNotFoundError(`${candidate}, from JAVA_HOME`);
  }
  const java = findOnPath('java', env);
  if (java === undefined) throw new JavaNotFoundError('`java` on PATH');
  return java;
}

/** A command that runs (execs) the command line appended to it. */
interface CommandPrefix {
  readonly command: string;
  readonly args: readonly string[];
}

/** Whether each setpriv found supports --pdeathsig, so `--help` runs once per process. */
const setprivSupportsParentDeathSignal = new Map<string, boolean>();

/**
 * `setpriv --pdeathsig SIGTERM --` (util-linux ≥ 2.33) makes the kernel signal Java when this process dies, even by
 * SIGKILL, where no exit handler runs. setpriv execs Java, so the child pid stays Java's.
 */
function findParentDeathWrapper(env: NodeJS.ProcessEnv): CommandPrefix | undefined {
  if (process.platform !== 'linux') return undefined;
  const setpriv = findOnPath('setpriv', env);
  if (setpriv === undefined) return undefined;
  let supported = setprivSupportsParentDeathSignal.get(setpriv);
  if (supported === undefined) {
    supported = spawnSync(setpriv, ['--help'], { encoding: 'utf8' }).stdout?.includes('--pdeathsig') ?? false;
    setprivSupportsParentDeathSignal.set(setpriv, supported);
  }
  return supported ? { command: setpriv, args: ['--pdeathsig', 'SIGTERM', '--'] } : undefined;
}

/**
 * Binds the port on all interfaces, which any listener on it makes fail. Stricter than Java's 127.0.0.1 bind needs,
 * so a port reported free is free for Java, and a port another address of this machine uses is not reused.
 */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolvePort(false);
      else reject(error);
    });
    server.listen({ port, exclusive: true }, () => server.close(() => resolvePort(true)));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolvePort(address.port);
        else reject(new Error(`unexpected server address ${String(address)}`));
      });
    });
  });
}

// Java processes still running; terminated when this process exits so they never outlive it.
const runningChildren = new Set<ChildProcess>();
const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killRunningChildren(): void {
  for (const child of runningChildren) child.kill('SIGTERM');
}

/**
 * On a signal, clean up and re-raise it only when nobody else listens: a listener added by us would otherwise
 * suppress Node's default of exiting. When the application handles the signal, it decides when to exit and the
 * 'exit' hook still cleans up.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killRunningChildren();
  removeExitHooks();
  process.kill(process.pid, signal);
}

function installExitHooks(): void {
  process.on('exit', killRunningChildren);
  for (const signal of HANDLED_SIGNALS) process.on(signal, onSignal);
}

function removeExitHooks(): void {
  process.off('exit', killRunningChildren);
  for (const signal of HANDLED_SIGNALS) process.off(signal, onSignal);
}

function trackChild(child: ChildProcess): void {
  if (runningChildren.size === 0) installExitHooks();
  runningChildren.add(child);
  const untrack = (): void => {
    if (runningChildren.delete(child) && runningChildren.size === 0) removeExitHooks();
  };
  child.once('exit', untrack);
  child.once('error', untrack);
}
