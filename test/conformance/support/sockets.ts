/**
 * Raw `ws` clients for the two WebSocket protocols a client can speak: AppSync's real-time protocol (`graphql-ws`
 * with the `header-` subprotocol, as aws-amplify v6 sends it) and the chat's raw WebSocket API. Every text frame is
 * kept verbatim, so tests can assert on exact bytes as well as shapes.
 */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { FrameTimeoutError } from './errors.js';
import type { ConformanceTarget } from './target.js';

export type Frame = Record<string, unknown> & { readonly type?: string; readonly id?: string };

/** A socket and every text frame it received, with a way to await the next matching one. */
export class FrameLog {
  readonly texts: string[] = [];
  private consumed = 0;
  private readonly waiters = new Set<() => void>();
  /** Resolves with the close code and reason (the code the peer sent, or 1006). */
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.texts.push(String(data));
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
  }

  /** Every frame received so far, parsed. */
  get frames(): Frame[] {
    return this.texts.map((text) => JSON.parse(text) as Frame);
  }

  /** The next frame after those already returned that matches; frames skipped on the way are passed over. */
  async next(match: (frame: Frame) => boolean = () => true, timeoutMs = 20_000): Promise<Frame & { readonly text: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.consumed < this.texts.length) {
        const text = this.texts[this.consumed++] as string;
        const frame = JSON.parse(text) as Frame;
        if (match(frame)) return Object.assign(frame, { text });
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new FrameTimeoutError(`no matching frame in ${timeoutMs} ms; received: ${this.texts.join(' | ')}`);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, remaining);
        this.waiters.add(done);
      });
    }
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.socket.terminate();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** How a handshake ended: opened (with the selected subprotocol), or refused with an HTTP status. */
export type Handshake = { readonly opened: FrameLog; readonly protocol: string } | { readonly refusedWith: number };

/** Opens a WebSocket, reporting a refused upgrade as its HTTP status instead of throwing. */
export async function handshake(url: string, protocols: string[] | undefined, ca: string): Promise<Handshake> {
  const socket = new WebSocket(url, protocols, { ca });
  const log = new FrameLog(socket);
  const refused = new Promise<{ refusedWith: number }>((resolve) => {
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      resolve({ refusedWith: response.statusCode ?? 0 });
      response.resume();
      socket.terminate();
    });
  });
  const opened = once(socket, 'open').then(() => ({ opened: log, protocol: socket.protocol }));
  return Promise.race([opened, refused]);
}

// ---- AppSync real-time -------------------------------------------------------------------------------------------

/** The authorization object of a user-pools connection or `start`: the token and the GraphQL endpoint's host. */
export function userPoolAuthorization(target: ConformanceTarget, token: string): Record<string, string> {
  return { Authorization: token, host: new URL(target.outputs.data.url).host };
}

/** `header-` + base64url(JSON): the second subprotocol that carries the connection's authorization. */
export function headerSubprotocol(authorization: Record<string, string>): string {
  return `header-${Buffer.from(JSON.stringify(authorization)).toString('base64url')}`;
}

/** Opens the real-time endpoint with `graphql-ws` and the `header-` subprotocol, as aws-amplify v6 does. */
export async function openRealtime(target: ConformanceTarget, token: string): Promise<FrameLog> {
  const result = await handshake(
    target.outputs.custom.wavechat.realtimeUrl,
    ['graphql-ws', headerSubprotocol(userPoolAuthorization(target, token))],
    target.ca,
  );
  if (!('opened' in result)) throw new FrameTimeoutError(`real-time handshake refused with ${result.refusedWith}`);
  return result.opened;
}

/** Opens, sends `connection_init` and waits for `connection_ack`. */
export async function connectRealtime(target: ConformanceTarget, token: string): Promise<FrameLog> {
  const log = await openRealtime(target, token);
  log.send({ type: 'connection_init' });
  await log.next((frame) => frame.type === 'connection_ack');
  return log;
}

/**
 * Sends a `start` (the key order aws-amplify uses; `data` is a JSON string) and returns the first frame about it:
 * `start_ack` or `error`.
 */
export async function startSubscription(
  log: FrameLog,
  target: ConformanceTarget,
  token: string,
  id: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Frame & { readonly text: string }> {
  log.send({
    id,
    payload: {
      data: JSON.stringify({ query, variables }),
      extensions: { authorization: userPoolAuthorization(target, token) },
    },
    type: 'start',
  });
  return log.next((frame) => frame.id === id && frame.type !== 'data');
}

/** The next `data` frame of subscription `id`: its field's value. */
export async function nextData<T>(log: FrameLog, id: string, field: string): Promise<T> {
  const frame = await log.next((f) => f.id === id && (f.type === 'data' || f.type === 'error' || f.type === 'complete'));
  if (frame.type !== 'data') throw new FrameTimeoutError(`subscription ${id} ended: ${frame.text}`);
  return (frame['payload'] as { data: Record<string, T> }).data[field] as T;
}

// ---- the raw WebSocket API ---------------------------------------------------------------------------------------

/** Opens the raw WebSocket API with `?token=`, as `wscat -c "wss://…/prod?token=…"` does. */
export async function openChatSocket(target: ConformanceTarget, token: string): Promise<FrameLog> {
  const result = await handshake(webSocketUrl(target, token), undefined, target.ca);
  if (!('opened' in result)) throw new FrameTimeoutError(`WebSocket API handshake refused with ${result.refusedWith}`);
  return result.opened;
}

/** The raw WebSocket API's URL, with `?token=` when a token is given. */
export function webSocketUrl(target: ConformanceTarget, token?: string): string {
  const base = target.outputs.custom.wavechat.webSocketUrl;
  if (!base) throw new FrameTimeoutError('the outputs have no custom.wavechat.webSocketUrl');
  return token === undefined ? base : `${base}?token=${encodeURIComponent(token)}`;
}

/** Sends an action with a `requestId` and returns the reply that echoes it. */
export async function request(log: FrameLog, action: string, fields: Record<string, unknown>, requestId: string): Promise<Frame> {
  log.send({ action, ...fields, requestId });
  return log.next((frame) => frame['requestId'] === requestId);
}
