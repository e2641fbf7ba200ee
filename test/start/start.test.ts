/**
 * `npm start` as a user runs it: the real start script in its own process, reaching "ready", serving, and on
 * Ctrl-C (SIGINT) stopping every process it started — DynamoDB Local's java and cognito-local's node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signIn } from '../../local/cognito/index.js';
import { ROOT_DIR } from '../support/cloud.js';

/** Runs local/start.ts with its state in `stateDir` and every port free-picked unless given. */
function startScript(stateDir: string, ports: Partial<Record<'appsync' | 'websocket' | 'cognito' | 'dynamodb', number>> = {}) {
  const portArgs = (['appsync', 'websocket', 'cognito', 'dynamodb'] as const).flatMap((name) => [
    `--${name}-port`,
    String(ports[name] ?? 0),
  ]);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/start.ts', '--state-dir', stateDir, '--outputs', path.join(stateDir, 'outputs.json'), ...portArgs],
    { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const outputMatching = async (pattern: RegExp, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in output within ${timeoutMs} ms:\n${output}`);
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ${pattern}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return output;
  };
  return { child, exited, outputMatching, output: () => output };
}

/** Every process descended from `pid`, read from /proc. */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name: state, ppid, …
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** A process still running (a zombie waiting to be reaped has ended). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function commandOf(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
}

describe('npm start', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const newStateDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wavechat-start-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('reaches ready with demo users in the lobby, serves, and leaves no java or node process behind on Ctrl-C', async () => {
    const stateDir = await newStateDir();
    const start = startScript(stateDir);
    children.push(start.child);
    const printed = await start.outputMatching(/Press Ctrl-C/, 90_000);

    const outputs = JSON.parse(await readFile(path.join(stateDir, 'outputs.json'), 'utf8')) as {
      data: { url: string };
      auth: { user_pool_client_id: string };
      custom: { wavechat: { userPoolEndpoint: string } };
    };
    expect(outputs.data.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const query = JSON.stringify({ query: '{ myRooms { items { id name } } }' });
    const unauthenticated = await fetch(outputs.data.url, { method: 'POST', body: query });
    expect(unauthenticated.status).toBe(401);

    // The printed demo user signs in and finds the lobby among their rooms.
    const [, email, password] = /Demo users\s+(\S+) \/ (\S+)/.exec(printed) ?? [];
    expect(email).toBe('alice@example.com');
    const tokens = await signIn(outputs.custom.wavechat.userPoolEndpoint, outputs.auth.user_pool_client_id, email!, password!);
    const rooms = await fetch(outputs.data.url, { method: 'POST', headers: { authorization: tokens.accessToken }, body: query });
    expect(await rooms.json()).toEqual({ data: { myRooms: { items: [{ id: 'lobby', name: 'Lobby' }] } } });

    const started = await descendants(start.child.pid as number);
    const commands = await Promise.all(started.map(commandOf));
    expect(commands.some((c) => c.includes('DynamoDBLocal') || c.includes('LoopbackDynamoDbLocal'))).toBe(true);
    expect(commands.some((c) => c.includes('cognito-local'))).toBe(true);

    start.child.kill('SIGINT');
    expect(await start.exited).toBe(0);
    const stillRunning = [];
    for (const pid of started) if (await isRunning(pid)) stillRunning.push(`${pid} ${await commandOf(pid)}`);
    expect(stillRunning).toEqual([]);
  }, 120_000);

  it('refuses a port that is already taken, naming it', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const start = startScript(await newStateDir(), { appsync: port });
      children.push(start.child);
      expect(await start.exited).toBe(1);
      expect(start.output()).toMatch(new RegExp(`wavechat: .*\\b${port}\\b`));
    } finally {
      taken.close();
    }
  }, 120_000);
});
