/**
 * `wavechat chat`: joins a room over the raw WebSocket API, prints its recent history and then its live messages
 * (`HH:MM author: body`), and sends each line typed. `/quit` (or Ctrl-C, or the end of input) leaves.
 */
import { WebSocket } from 'ws';
import { connectChat, type ChatMessage } from '../ws/index.js';
import type { CognitoSession } from './sign-in.js';
import type { Terminal } from './terminal.js';

/** How many past messages are shown on joining. */
const HISTORY_LINES = 20;

export interface ChatOptions {
  readonly url: string;
  readonly roomId: string;
  readonly session: CognitoSession;
  /** How the user's own messages are signed on screen (others' show their user id). */
  readonly me: string;
  readonly terminal: Terminal;
}

/**
 * @example
 * ```ts
 * await chat({ url: 'ws://127.0.0.1:4001/prod', roomId: 'lobby', session, me: 'ada@example.com', terminal: new Terminal() });
 * ```
 */
export async function chat({ url, roomId, session, me, terminal }: ChatOptions): Promise<void> {
  const client = await connectChat({ url, getToken: () => session.token(), WebSocket });
  const show = (message: ChatMessage) => terminal.print(formatMessage(message, message.authorId === session.userId ? me : message.authorId));
  // Messages pushed before the history page is on screen wait, so the screen stays in order.
  let early: ChatMessage[] | null = [];
  client.on('message', (message) => {
    if (message.roomId !== roomId) return;
    if (early === null) show(message);
    else early.push(message);
  });
  client.on('state', (state) => {
    if (state === 'reconnecting') terminal.print('-- connection lost; reconnecting… --');
    if (state === 'open') terminal.print('-- reconnected --');
  });
  client.on('error', (error) => terminal.print(`! ${error.message}`));
  try {
    await client.join(roomId);
    const page = await client.history(roomId, { limit: HISTORY_LINES });
    const versions = new Map(page.items.map((message) => [message.id, message.version]));
    for (const message of [...page.items].reverse()) show(message);
    for (const message of early) if ((versions.get(message.id) ?? 0) < message.version) show(message);
    early = null;
    terminal.print(`Joined ${roomId} as ${me}. Type a message and press Enter; /quit to leave.`);
    const sending = new Set<Promise<unknown>>();
    await terminal.readLines((line) => {
      const body = line.trim();
      if (body === '/quit') {
        terminal.close();
        return;
      }
      if (body === '') return;
      const sent = client.send(roomId, body).catch((error: Error) => terminal.print(`! ${error.message}`));
      sending.add(sent);
      void sent.finally(() => sending.delete(sent));
    });
    // Piped input ends right after its last line: let those sends finish.
    await Promise.allSettled(sending);
  } finally {
    await client.close();
  }
}

/** `14:05 ada@example.com: hello`, in local time; edits and deletions say so. */
export function formatMessage(message: ChatMessage, author: string): string {
  const at = new Date(message.createdAt);
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  if (message.deletedAt !== null) return `${time} ${author}: (deleted)`;
  return `${time} ${author}: ${message.body}${message.editedAt === null ? '' : ' (edited)'}`;
}
