/**
 * `npm start` as a user runs it: the real start script in its own process (not on a terminal, at --log-level
 * debug), showing its start-up steps, reaching "ready", serving the APIs and the GraphQL IDE (driven in headless
 * Chromium), logging requests and deliveries, and on Ctrl-C (SIGINT) stopping every process it started — DynamoDB
 * Local's java and cognito-local's node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { signIn } from '../../local/cognito/index.js';
import { launchChromiumTrusting } from '../support/chromium.js';
import { ROOT_DIR } from '../support/cloud.js';

/** Runs local/start.ts with its state in `stateDir` and every port free-picked unless given. */
function startScript(
  stateDir: string,
  ports: Partial<Record<'appsync' | 'websocket' | 'cognito' | 'dynamodb' | 'web', number>> = {},
  extraArgs: readonly string[] = [],
) {
  const portArgs = (['appsync', 'websocket', 'cognito', 'dynamodb', 'web'] as const).flatMap((name) => [
    `--${name}-port`,
    String(ports[name] ?? 0),
  ]);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/start.ts',
      '--state-dir',
      stateDir,
      '--outputs',
      path.join(stateDir, 'outputs.json'),
      ...portArgs,
      ...extraArgs,
    ],
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

/** GET with the local CA trusted (fetch has no per-request CA option). */
function httpsGet(url: string, ca: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Outputs {
  data: { url: string };
  auth: { user_pool_client_id: string };
  custom: { wavechat: { userPoolEndpoint: string; caFile: string; webSocketUrl: string } };
}

describe('npm start', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const newStateDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wavechat-start-'));
    dirs.push(dir);
    return dir;
  };
  let start: ReturnType<typeof startScript>;
  let stateDir: string;
  let printed: string;
  let outputs: Outputs;
  let demoUser: { email: string; password: string };
  let browser: Browser | undefined;

  beforeAll(async () => {
    stateDir = await newStateDir();
    start = startScript(stateDir, {}, ['--log-level', 'debug']);
    children.push(start.child);
    printed = await start.outputMatching(/Press Ctrl-C/, 150_000);
    outputs = JSON.parse(await readFile(path.join(stateDir, 'outputs.json'), 'utf8')) as Outputs;
    const [, email, password] = /Demo users\s+(\S+) \/ (\S+)/.exec(printed) ?? [];
    demoUser = { email: email ?? '', password: password ?? '' };
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('shows each start-up step as plain lines when not on a terminal, and logs without colour', () => {
    for (const step of ['Starting DynamoDB Local', 'Starting cognito-local', 'Starting AppSync (resolvers, TLS)']) {
      expect(printed).toContain(`… ${step}\n`);
      expect(printed).toMatch(new RegExp(`✔ ${step.replace(/[()]/g, '\\$&')} \\(\\d+\\.\\d s\\)\n`));
    }
    expect(printed).toMatch(/GraphQL IDE {2}http:\/\/127\.0\.0\.1:\d+\/graphql /);
    expect(printed).toMatch(/Web page {5}(http:\/\/127\.0\.0\.1:\d+\/ |unavailable)/);
    expect(printed).not.toContain('\x1b[');
  });

  it('reaches ready with demo users in the lobby, and serves', async () => {
    expect(outputs.data.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const query = JSON.stringify({ query: '{ myRooms { items { id name } } }' });
    const unauthenticated = await fetch(outputs.data.url, { method: 'POST', body: query });
    expect(unauthenticated.status).toBe(401);

    // The printed demo user signs in and finds the lobby among their rooms.
    expect(demoUser.email).toBe('alice@example.com');
    const tokens = await signIn(
      outputs.custom.wavechat.userPoolEndpoint,
      outputs.auth.user_pool_client_id,
      demoUser.email,
      demoUser.password,
    );
    const rooms = await fetch(outputs.data.url, { method: 'POST', headers: { authorization: tokens.accessToken }, body: query });
    expect(await rooms.json()).toEqual({ data: { myRooms: { items: [{ id: 'lobby', name: 'Lobby' }] } } });
  });

  it('serves the GraphQL IDE page and its bundle to browsers on http and https, leaving API clients alone', async () => {
    const html = await fetch(outputs.data.url, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await html.text();
    expect(page).toContain(`"userPool":{"endpoint":"${outputs.custom.wavechat.userPoolEndpoint}"`);
    const [script, stylesheet] = [/src="(\/ide\/\w+\/app\.js)"/.exec(page)?.[1], /href="(\/ide\/\w+\/app\.css)"/.exec(page)?.[1]];
    const origin = new URL(outputs.data.url).origin;
    const bundle = await fetch(`${origin}${script}`);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${origin}${stylesheet}`)).status).toBe(200);
    // Over TLS on the same port, and at `/`.
    const ca = await readFile(outputs.custom.wavechat.caFile, 'utf8');
    const secure = await httpsGet(`${origin.replace('http:', 'https:')}/`, ca, { accept: 'text/html' });
    expect(secure.status).toBe(200);
    expect(secure.body).toContain(`src="${script}"`);
    // A GraphQL client's GET still gets AppSync's answer.
    expect((await fetch(outputs.data.url)).status).toBe(405);
  }, 60_000);

  it('runs a query and a subscription from the IDE in headless Chromium, over https and wss', async () => {
    // Playwright gives each launch a fresh user-data-dir; only the local server certificate is trusted.
    browser = await launchChromiumTrusting(path.join(stateDir, 'tls', 'server.pem'));
    const page = await browser.newPage();
    const ide = outputs.data.url.replace('http:', 'https:');
    const open = (document: string) => page.goto(`${ide}?query=${encodeURIComponent(document)}`);

    await open('query Rooms { myRooms { items { id name } } }');
    await page.getByLabel('Username').fill(demoUser.email);
    await page.getByLabel('Password').fill(demoUser.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: `Signed in as ${demoUser.email}` }).waitFor();
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await result.filter({ hasText: '"name": "Lobby"' }).waitFor({ timeout: 20_000 });

    await open('subscription Msgs { onMessage(roomId: "lobby") { roomId body } }');
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('status').filter({ hasText: 'Subscription: subscribed' }).waitFor({ timeout: 20_000 });
    const tokens = await signIn(
      outputs.custom.wavechat.userPoolEndpoint,
      outputs.auth.user_pool_client_id,
      demoUser.email,
      demoUser.password,
    );
    const body = `hello from the IDE test ${Date.now()}`;
    const sent = await fetch(outputs.data.url, {
      method: 'POST',
      headers: { authorization: tokens.accessToken },
      body: JSON.stringify({
        query: 'mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id roomId body } }',
        variables: { input: { roomId: 'lobby', body } },
      }),
    });
    expect(sent.status).toBe(200);
    await result.filter({ hasText: body }).waitFor({ timeout: 20_000 });
    expect(await result.innerText()).toContain('"roomId": "lobby"');
  }, 90_000);

  it('logs one line per request at info and, at debug, one per delivered event', async () => {
    // A raw WebSocket client's visit: connect, one routed message (answered through @connections), disconnect.
    const tokens = await signIn(
      outputs.custom.wavechat.userPoolEndpoint,
      outputs.auth.user_pool_client_id,
      demoUser.email,
      demoUser.password,
    );
    const socket = new WebSocket(`${outputs.custom.wavechat.webSocketUrl}?token=${tokens.idToken}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const reply = new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ action: 'sendmessage', message: 'hello from the log test' }));
    await reply;
    socket.close();
    await start.outputMatching(/INFO: websocket +disconnect /, 10_000);

    const output = start.output();
    expect(output).toMatch(/INFO: websocket +connect \S+ \(127\.0\.0\.1\)\n/);
    expect(output).toMatch(/INFO: websocket +route \S+ sendmessage → \w+: ok \(\d+ ms\)\n/);
    expect(output).toMatch(/INFO: websocket +@connections POST \S+ → 200 \(\d+ ms\)\n/);
    // The caller is the access token's username (cognito-local's users are named by their sub).
    expect(output).toMatch(/INFO: appsync +query Rooms by [\w-]+ → 200 \(\d+ ms\)\n/);
    expect(output).toMatch(/INFO: appsync +start \S+ subscription Msgs by [\w-]+\n/);
    expect(output).toMatch(/INFO: appsync +mutation Send by [\w-]+ → 200 \(\d+ ms\)\n/);
    expect(output).toMatch(/DEBUG: appsync +data → \S+ Msgs\n/);
    // Seeding the lobby went through the stream consumers.
    expect(output).toMatch(/INFO: streams +batch of \d+ records? \((INSERT|MODIFY)[^)]*\) → chatStreamPush: ok \(\d+ ms\)\n/);
    expect(output).toMatch(/INFO: lambda +invoke chatStreamPush: ok \(\d+ ms\)\n/);
  });

  it('leaves no java or node process behind on Ctrl-C', async () => {
    const started = await descendants(start.child.pid as number);
    const commands = await Promise.all(started.map(commandOf));
    expect(commands.some((c) => c.includes('DynamoDBLocal') || c.includes('LoopbackDynamoDbLocal'))).toBe(true);
    expect(commands.some((c) => c.includes('cognito-local'))).toBe(true);

    start.child.kill('SIGINT');
    expect(await start.exited).toBe(0);
    // Helpers that exit when their parent's pipe closes (esbuild's service) may take a moment after it.
    let stillRunning: string[] = [];
    for (const deadline = Date.now() + 5_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      stillRunning = [];
      for (const pid of started) if (await isRunning(pid)) stillRunning.push(`${pid} ${await commandOf(pid)}`);
      if (stillRunning.length === 0 || Date.now() > deadline) break;
    }
    expect(stillRunning).toEqual([]);
  }, 60_000);

  it('refuses a port that is already taken, naming it, before starting anything', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const refused = startScript(await newStateDir(), { appsync: port });
      children.push(refused.child);
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toMatch(new RegExp(`wavechat: --appsync-port ${port}: port ${port} .*already in use`));
      // Checked up front: neither DynamoDB Local nor cognito-local was started first.
      expect(refused.output()).not.toMatch(/Starting/);
    } finally {
      taken.close();
    }
  }, 30_000);

  it('refuses one port asked for by two services', async () => {
    const refused = startScript(await newStateDir(), { websocket: 45_123, web: 45_123 });
    children.push(refused.child);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(/wavechat: --websocket-port and --web-port both ask for port 45123/);
    expect(refused.output()).not.toMatch(/Starting/);
  }, 30_000);
});
