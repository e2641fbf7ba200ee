/**
 * The `wavechat` command. `wavechat chat --room <id>` signs in against the app's user pool (WAVECHAT_EMAIL and
 * WAVECHAT_PASSWORD, or prompts) and chats in the room over the raw WebSocket API.
 */
import { parseArgs } from 'node:util';
import { ChatClientError } from '../ws/index.js';
import { chat } from './chat.js';
import { OutputsError, SignInError, UsageError } from './errors.js';
import { CognitoSession, readOutputs } from './sign-in.js';
import { Terminal } from './terminal.js';

const USAGE = `Usage: wavechat chat [--room <id>] [--url <ws-url>] [--outputs <file>]

  --room     the room to join (default: lobby)
  --url      the raw WebSocket API's URL (default: custom.wavechat.webSocketUrl of the outputs)
  --outputs  amplify_outputs.json of the app (default: ./amplify_outputs.json)

Signs in with WAVECHAT_EMAIL and WAVECHAT_PASSWORD, or asks for them. Type a line to send it; /quit leaves.`;

/** Runs the command line `args`; resolves with the process's exit status. */
export async function main(args: readonly string[]): Promise<number> {
  try {
    await run(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    // Refused connections and requests (a room that does not exist, a ban) are the user's to act on.
    if (error instanceof OutputsError || error instanceof SignInError || error instanceof ChatClientError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function run(args: readonly string[]): Promise<void> {
  // The AWS SDK's notice that Node 20 support ends in 2027 would land in the middle of the chat screen.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values, positionals } = parseCommandLine(args);
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1 || positionals[0] !== 'chat') throw new UsageError(`Unknown command: ${positionals.join(' ') || '(none)'}`);
  const endpoints = await readOutputs(values.outputs);
  const url = values.url ?? endpoints.webSocketUrl;
  if (url === undefined) throw new OutputsError(values.outputs, 'has no custom.wavechat.webSocketUrl; pass --url');

  const terminal = new Terminal();
  try {
    const email = process.env.WAVECHAT_EMAIL ?? (await terminal.ask('Email: '));
    const password = process.env.WAVECHAT_PASSWORD ?? (await terminal.ask('Password: ', { hidden: true }));
    const session = await CognitoSession.signIn(endpoints, email.trim(), password);
    try {
      await chat({ url, roomId: values.room, session, me: email.trim(), terminal });
    } finally {
      session.close();
    }
  } finally {
    terminal.close();
  }
}

function parseCommandLine(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        room: { type: 'string', default: 'lobby' },
        url: { type: 'string' },
        outputs: { type: 'string', default: 'amplify_outputs.json' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
