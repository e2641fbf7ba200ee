/**
 * The `wavechat chat` terminal client, driven through a pseudo-terminal (tmux: send keys, read the screen) against
 * a real local cloud with the raw WebSocket side, with a clients/ws client as the other person in the room.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { connectChat, type ChatClient } from '../../clients/ws/index.js';
import type { LocalCloud } from '../../local/cloud.js';
import { ROOT_DIR } from '../support/cloud.js';
import { logMessages, signedInUser, startRawChatCloud, type MessageLog, type TestUser } from './support.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
});

const run = promisify(execFile);
const SESSION = 'chat';
/** A tmux server of this file's own (its socket in the test's temporary directory), so no other sessions are touched. */
let tmuxSocket: string;
const tmux = (...args: string[]) => run('tmux', ['-S', tmuxSocket, ...args]);

const screen = async () => (await tmux('capture-pane', '-p', '-t', SESSION)).stdout;

/** Reads the screen until it matches (the terminal signals nothing, so it is polled), up to 20 s. */
async function waitForScreen(pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await screen();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`The screen never showed ${pattern}:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const type = async (text: string) => {
  await tmux('send-keys', '-t', SESSION, '-l', text);
  await tmux('send-keys', '-t', SESSION, 'Enter');
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('wavechat chat in a terminal', () => {
  let cloud: LocalCloud;
  let ada: TestUser;
  let bob: TestUser;
  let bobChat: ChatClient;
  let bobLog: MessageLog;
  let outputsDir: string;

  beforeAll(async () => {
    cloud = await startRawChatCloud();
    [ada, bob] = (await Promise.all(['ada', 'bob'].map((name) => signedInUser(cloud, name)))) as [TestUser, TestUser];
    outputsDir = await mkdtemp(path.join(tmpdir(), 'wavechat-cli-'));
    tmuxSocket = path.join(outputsDir, 'tmux.sock');
    await writeFile(path.join(outputsDir, 'amplify_outputs.json'), JSON.stringify(cloud.outputs));
    bobChat = await connectChat({ url: cloud.webSocket!.url, token: bob.accessToken, WebSocket });
    bobLog = logMessages(bobChat);
    // Bob opens the lobby (its first send creates it), so Ada has a room to join and a history to see.
    await bobChat.send(undefined, 'before ada came');
  });

  afterAll(async () => {
    if (tmuxSocket) await tmux('kill-server').catch(() => undefined);
    await bobChat?.close();
    await cloud?.stop();
    if (outputsDir) await rm(outputsDir, { recursive: true, force: true });
  });

  /** Runs the CLI with piped input and the credentials in the environment; resolves with its exit status and output. */
  const runPiped = (args: string[], input: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        'node',
        [path.join(ROOT_DIR, 'clients/cli/wavechat.mjs'), ...args, '--outputs', path.join(outputsDir, 'amplify_outputs.json')],
        { env: { ...process.env, WAVECHAT_EMAIL: ada.email, WAVECHAT_PASSWORD: ada.password } },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
      child.stdin?.end(input);
    });

  it('sends piped lines with the credentials from the environment, then exits', { timeout: 60_000 }, async () => {
    const { code, stderr } = await runPiped(['chat', '--room', 'lobby'], 'piped hello\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(await bobLog.waitFor((message) => message.body === 'piped hello', 'piped hello')).toMatchObject({ authorId: ada.sub });
  });

  it('says why it cannot join a room, with exit status 1', { timeout: 60_000 }, async () => {
    const { code, stderr } = await runPiped(['chat', '--room', 'no-such-room'], '');
    expect(code).toBe(1);
    expect(stderr).toContain('Room no-such-room does not exist');
  });

  it('signs in at the prompt, shows history and live messages, sends what is typed, and quits', { timeout: 90_000 }, async () => {
    const cli = path.join(ROOT_DIR, 'clients/cli/wavechat.mjs');
    const outputs = path.join(outputsDir, 'amplify_outputs.json');
    await tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', SESSION, '-c', ROOT_DIR, `node ${cli} chat --room lobby --outputs ${outputs}`);

    await waitForScreen(/^Email:/m);
    await type(ada.email);
    await waitForScreen(/^Password:/m);
    await type(ada.password);
    const joined = await waitForScreen(/Joined lobby as ada@example\.com/);
    expect(joined).toMatch(new RegExp(`^\\d\\d:\\d\\d ${escape(bob.sub)}: before ada came$`, 'm'));
    expect(joined).not.toContain(ada.password);

    await bobChat.send('lobby', 'hi ada, live');
    await waitForScreen(new RegExp(`^\\d\\d:\\d\\d ${escape(bob.sub)}: hi ada, live$`, 'm'));

    await type('hello from the terminal');
    const arrived = await bobLog.waitFor((message) => message.body === 'hello from the terminal', 'from the terminal');
    expect(arrived).toMatchObject({ roomId: 'lobby', authorId: ada.sub });
    const after = await waitForScreen(/^\d\d:\d\d ada@example\.com: hello from the terminal$/m);
    // The typed line gives way to the message the server stored: it is on screen once.
    expect(after.match(/hello from the terminal/g)).toHaveLength(1);

    await type('/quit');
    const deadline = Date.now() + 10_000;
    while (await tmux('has-session', '-t', SESSION).then(() => true, () => false)) {
      if (Date.now() > deadline) throw new Error(`wavechat did not exit on /quit:\n${await screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
