import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoDbClient,
  DynamoDbLocalNotInstalledError,
  DynamoDbLocalStartError,
  JavaNotFoundError,
  PortInUseError,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../local/dynamodb/index.js';
import { dynamoDbLocalPaths } from '../../local/dynamodb/emulator-location.mjs';
import { LOOPBACK_SHIM_CLASS, loopbackShimPaths } from '../../local/dynamodb/loopback-shim.mjs';
import { listeningAddresses, processIsRunning, waitForProcessToEnd } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/start-then-die.ts', import.meta.url));
const javaOnPath = process.env.PATH?.split(':').map((dir) => join(dir, 'java')).find((path) => existsSync(path));
/** 127.0.0.1 as listeningAddresses() writes it from an IPv4 or a dual-stack IPv6 socket. */
const LOOPBACK_ONLY = /^(127\.0\.0\.1|0:0:0:0:0:ffff:7f00:1)$/;
const onLinux = process.platform === 'linux';
/** An IPv4 address of this machine other than loopback, if it has one (connecting there stays on this machine). */
const ownOtherAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address !== undefined && !address.internal && address.family === 'IPv4')?.address;

async function listTableNames(endpoint: string): Promise<string[] | undefined> {
  const client = createDynamoDbClient(endpoint);
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames;
  } finally {
    client.destroy();
  }
}

/** The command line of a running process (Linux). */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

/**
 * Listens on the port on every interface, or resolves undefined if it is taken. Without a host, Node binds at once
 * (in this call, with no address lookup first), so the order of binds is the order of calls.
 */
function tryListen(port: number): Promise<Server | undefined> {
  return new Promise((resolveListen) => {
    const server = createServer();
    server.once('error', () => resolveListen(undefined));
    server.listen({ port, exclusive: true }, () => resolveListen(server));
  });
}

describe('startDynamoDbLocal', () => {
  let shared: DynamoDbLocal;

  beforeAll(async () => {
    shared = await startDynamoDbLocal();
  });

  afterAll(async () => {
    await shared?.stop();
  });

  it('starts in memory on a free port and answers ListTables on the loopback endpoint', async () => {
    expect(shared.port).toBeGreaterThan(0);
    expect(shared.endpoint).toBe(`http://127.0.0.1:${shared.port}`);
    const client = createDynamoDbClient(shared.endpoint);
    try {
      const tables = await client.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it.skipIf(!onLinux)('listens on 127.0.0.1 only, not on every interface', () => {
    expect(listeningAddresses(shared.port)).toEqual([expect.stringMatching(LOOPBACK_ONLY)]);
  });

  it.skipIf(ownOtherAddress === undefined)("refuses connections on this machine's other addresses", async () => {
    const socket = connect({ host: ownOtherAddress, port: shared.port });
    const outcome = await new Promise<string | undefined>((resolveOutcome) => {
      socket.once('connect', () => resolveOutcome('connected'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolveOutcome(error.code));
    });
    socket.destroy();
    expect(outcome).toBe('ECONNREFUSED');
  });

  it('is shared by every region and credential (-sharedDb)', async () => {
    const writer = createDynamoDbClient(shared.endpoint);
    const reader = createDynamoDbClient(shared.endpoint, {
      region: 'eu-west-1',
      // DynamoDB Local only accepts access key ids made of letters and digits.
      credentials: { accessKeyId: 'someoneElse42', secretAccessKey: 'other' },
    });
    try {
      await writer.send(
        new CreateTableCommand({
          TableName: 'shared-db-check',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      const tables = await reader.send(new ListTablesCommand({}));
      expect(tables.TableNames).toContain('shared-db-check');
    } finally {
      writer.destroy();
      reader.destroy();
    }
  });

  it('rejects a fixed port that is already taken with PortInUseError, before launching Java', async () => {
    const holder = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const attempt = startDynamoDbLocal({ port });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toMatchObject({ port, message: expect.stringContaining(String(port)) });
    } finally {
      holder.close();
    }
  });

  it('turns Java failing to bind a port taken after the check into PortInUseError (read from its output)', async () => {
    const picker = await tryListen(0);
    const { port } = picker?.address() as AddressInfo;
    await new Promise((resolveClose) => picker?.close(resolveClose));
    const attempt = startDynamoDbLocal({ port });
    attempt.catch(() => {}); // asserted below; no unhandled rejection meanwhile
    // startDynamoDbLocal's free-port probe is bound by the time it returns; take the port the moment the probe lets
    // it go, long before Java (a second or more away) binds it. The holder accepts requests and never answers, so
    // the readiness polls time out: they must not stall the launcher before it reads Java's bind failure.
    let probeWasHolding = false;
    let holder: Server | undefined;
    while ((holder = await tryListen(port)) === undefined) {
      probeWasHolding = true;
      await delay(1);
    }
    try {
      expect(probeWasHolding).toBe(true);
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toMatchObject({ port });
    } finally {
      holder.close();
    }
  });

  it('throws JavaNotFoundError naming the fix when java is not on PATH', async () => {
    const env = { ...process.env, PATH: '/nonexistent', JAVA_HOME: '' };
    const attempt = startDynamoDbLocal({ env });
    await expect(attempt).rejects.toBeInstanceOf(JavaNotFoundError);
    await expect(attempt).rejects.toThrow(/openjdk-17-jdk-headless.*JAVA_HOME/);
  });

  it('throws JavaNotFoundError when JAVA_HOME has no bin/java', async () => {
    const emptyJavaHome = mkdtempSync(join(tmpdir(), 'wavechat-no-java-'));
    try {
      const attempt = startDynamoDbLocal({ env: { ...process.env, JAVA_HOME: emptyJavaHome } });
      await expect(attempt).rejects.toBeInstanceOf(JavaNotFoundError);
      await expect(attempt).rejects.toThrow(emptyJavaHome);
    } finally {
      rmSync(emptyJavaHome, { recursive: true });
    }
  });

  it('throws DynamoDbLocalNotInstalledError naming the install command when the jar is missing', async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'wavechat-empty-cache-'));
    try {
      const attempt = startDynamoDbLocal({ env: { ...process.env, WAVECHAT_CACHE_DIR: emptyCache } });
      await expect(attempt).rejects.toBeInstanceOf(DynamoDbLocalNotInstalledError);
      await expect(attempt).rejects.toThrow(/node local\/dynamodb\/install\.mjs/);
    } finally {
      rmSync(emptyCache, { recursive: true });
    }
  });

  it('reports a Java process that exits during start-up with DynamoDbLocalStartError and its output', async () => {
    const attempt = startDynamoDbLocal({ javaOptions: ['-Xmx1k'] });
    await expect(attempt).rejects.toBeInstanceOf(DynamoDbLocalStartError);
    await expect(attempt).rejects.toThrow(/exited with 1 during start-up[\s\S]*heap/i);
  });

  // Two Java start-ups: allow for a loaded machine.
  it('keeps data in dataDir across stop and start, and stop() ends Java and frees the port', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wavechat-ddb-data-'));
    try {
      const first = await startDynamoDbLocal({ dataDir });
      const firstClient = createDynamoDbClient(first.endpoint);
      await firstClient.send(
        new CreateTableCommand({
          TableName: 'persisted',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      await firstClient.send(new PutItemCommand({ TableName: 'persisted', Item: { pk: { S: 'kept' }, n: { N: '42' } } }));
      firstClient.destroy();

      await first.stop();
      await first.stop();
      expect(processIsRunning(first.pid)).toBe(false);
      await expect(first.exited).resolves.toMatchObject({ code: expect.any(Number) });
      expect(existsSync(join(dataDir, 'shared-local-instance.db'))).toBe(true);
      // The port is free again: we can bind it ourselves.
      const probe = createServer().listen(first.port);
      await once(probe, 'listening');
      probe.close();

      const second = await startDynamoDbLocal({ dataDir });
      const secondClient = createDynamoDbClient(second.endpoint);
      try {
        const item = await secondClient.send(new GetItemCommand({ TableName: 'persisted', Key: { pk: { S: 'kept' } } }));
        expect(item.Item).toEqual({ pk: { S: 'kept' }, n: { N: '42' } });
      } finally {
        secondClient.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// Each case starts a Node process that starts Java: allow for a loaded machine.
describe('DynamoDB Local does not outlive the process that started it', { timeout: 60_000 }, () => {
  /** Runs the fixture, returns its process and the Java pid it reports once DynamoDB Local is ready. */
  async function startFixture(args: readonly string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const lines = createInterface({ input: child.stdout });
    const [line] = (await Promise.race([once(lines, 'line'), exited.then(() => ['fixture exited early'])])) as [string];
    const { pid } = JSON.parse(line) as { pid: number };
    return { child, exited, javaPid: pid };
  }

  /** JAVA_HOME of the java on PATH, so the fixture can run without PATH (and so without setpriv). */
  function javaHome(): string {
    if (javaOnPath === undefined) throw new Error('java is not on PATH');
    return dirname(dirname(realpathSync(javaOnPath)));
  }

  it('is ended by the kernel when its parent is killed with SIGKILL (setpriv --pdeathsig)', async () => {
    const { child, exited, javaPid } = await startFixture(['wait-for-kill']);
    expect(processIsRunning(javaPid)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(await waitForProcessToEnd(javaPid, 10_000)).toBe(true);
  });

  it('is ended by the signal hook on SIGTERM, and the parent still dies of SIGTERM', async () => {
    const { child, exited, javaPid } = await startFixture(['wait-for-kill', javaHome()]);
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await waitForProcessToEnd(javaPid, 10_000)).toBe(true);
  });

  it('is ended by the exit hook when the parent calls process.exit() without stop()', async () => {
    const { exited, javaPid } = await startFixture(['exit', javaHome()]);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(await waitForProcessToEnd(javaPid, 10_000)).toBe(true);
  });
});

// Each case uses its own cache (the real emulator, linked in) so the shim's compiled state is known.
describe('the loopback shim (LoopbackDynamoDbLocal.java)', { timeout: 60_000 }, () => {
  const temporaryDirs: string[] = [];

  afterAll(() => {
    for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
  });

  function temporaryDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temporaryDirs.push(dir);
    return dir;
  }

  /** A cache holding the installed emulator but no compiled shim. */
  function cacheWithEmulator(): { cacheDir: string; installDir: string } {
    const cacheDir = temporaryDir('wavechat-shim-cache-');
    const { installDir, emulatorDir } = dynamoDbLocalPaths({ WAVECHAT_CACHE_DIR: cacheDir });
    mkdirSync(installDir, { recursive: true });
    symlinkSync(dynamoDbLocalPaths().emulatorDir, emulatorDir);
    return { cacheDir, installDir };
  }

  /** An environment where Java is found but javac is not (JAVA_HOME with only bin/java, empty PATH). */
  function envWithoutJavac(cacheDir: string): NodeJS.ProcessEnv {
    if (javaOnPath === undefined) throw new Error('java is not on PATH');
    const javaHome = temporaryDir('wavechat-jre-');
    mkdirSync(join(javaHome, 'bin'));
    symlinkSync(realpathSync(javaOnPath), join(javaHome, 'bin', 'java'));
    return { ...process.env, WAVECHAT_CACHE_DIR: cacheDir, JAVA_HOME: javaHome, PATH: '' };
  }

  it('is compiled into the cache on first launch when javac is found, and run from there', async () => {
    const { cacheDir, installDir } = cacheWithEmulator();
    const shim = loopbackShimPaths(installDir);
    const dynamoDb = await startDynamoDbLocal({ env: { ...process.env, WAVECHAT_CACHE_DIR: cacheDir } });
    try {
      expect(existsSync(shim.classFile)).toBe(true);
      expect(await listTableNames(dynamoDb.endpoint)).toEqual([]);
      if (onLinux) {
        expect(commandLine(dynamoDb.pid)).toContain(LOOPBACK_SHIM_CLASS);
        expect(commandLine(dynamoDb.pid).join(' ')).toContain(shim.classDir);
        expect(listeningAddresses(dynamoDb.port)).toEqual([expect.stringMatching(LOOPBACK_ONLY)]);
      }
    } finally {
      await dynamoDb.stop();
    }
  });

  it("runs from its source file (Java's source-file mode) when there is no javac, still on loopback only", async () => {
    const { cacheDir, installDir } = cacheWithEmulator();
    const shim = loopbackShimPaths(installDir);
    const dynamoDb = await startDynamoDbLocal({ env: envWithoutJavac(cacheDir) });
    try {
      expect(await listTableNames(dynamoDb.endpoint)).toEqual([]);
      expect(existsSync(shim.classDir)).toBe(false);
      if (onLinux) {
        expect(commandLine(dynamoDb.pid)).toContain(shim.sourcePath);
        expect(listeningAddresses(dynamoDb.port)).toEqual([expect.stringMatching(LOOPBACK_ONLY)]);
      }
    } finally {
      await dynamoDb.stop();
    }
  });

  it('asks for a JDK when there is no javac and Java lacks the compiler module for source-file mode', async () => {
    const { cacheDir } = cacheWithEmulator();
    // --limit-modules hides jdk.compiler, as a runtime built with jlink would lack it.
    const attempt = startDynamoDbLocal({ env: envWithoutJavac(cacheDir), javaOptions: ['--limit-modules', 'java.se'] });
    await expect(attempt).rejects.toBeInstanceOf(DynamoDbLocalStartError);
    await expect(attempt).rejects.toThrow(/jdk\.compiler.*install a JDK/);
  });
});
