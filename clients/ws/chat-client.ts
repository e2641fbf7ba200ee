/**
 * A typed client of wavechat's raw WebSocket API (docs/websocket-protocol.md): requests resolved by their replies,
 * pushes as events, and a connection that heals itself — reconnecting with backoff and a fresh token, then catching
 * up on what it missed with `history` and `after`, so listeners see every message state once and in order.
 *
 * Browser-safe: no Node imports; the WebSocket implementation is the global one or the one passed in.
 */
import type { z } from 'zod';
import type { ChatMessage, Membership, TypingEvent } from '../../lambdas/shared/chat-api.js';
import type {
  HistoryRequest,
  ReplyFrame,
  RoomRequest,
  SendMessageRequest,
  ServerFrame,
  TypingRequest,
} from '../../lambdas/shared/protocol.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { cursorAt, laterCursor, START_CURSOR } from './cursor.js';
import {
  ChatClientError,
  ChatClosedError,
  ChatConnectError,
  ChatConnectionLostError,
  ChatRequestError,
  ChatRequestTimeoutError,
  NoWebSocketError,
} from './errors.js';

/** protocol.ts's SUBPROTOCOL, repeated so that browser bundles need not pull the server's validation code. */
const SUBPROTOCOL = 'wavechat';
/** How many message ids the client remembers to drop repeated states; the oldest are forgotten first. */
const REMEMBERED_MESSAGES = 10_000;
/** Catch-up reads the largest page the API allows. */
const CATCH_UP_PAGE = 100;

/** What the client needs of a WebSocket: the browser's global `WebSocket` and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { readonly message?: string }) => void): void;
  addEventListener(type: 'close', listener: (event: { readonly code: number }) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

/** `open` is WebSocket's OPEN readyState, the same in browsers and `ws`. */
const OPEN = 1;

/** A Cognito token of the app's user pool (access or ID token): fixed, or fetched afresh for every connection. */
export type TokenSource = { readonly token: string } | { readonly getToken: () => string | Promise<string> };

export type ConnectChatOptions = TokenSource & {
  /** The API's stage URL: `wss://{api-id}.execute-api.{region}.amazonaws.com/prod`, locally `ws://127.0.0.1:4001/prod`. */
  readonly url: string;
  /** @default globalThis.WebSocket (browsers, Node 22+); on Node 20 pass `WebSocket` from `ws`. */
  readonly WebSocket?: WebSocketConstructor;
  /** Delays between reconnect attempts. */
  readonly reconnect?: BackoffOptions & {
    /** Attempts in a row before the client gives up and closes. @default Infinity */
    readonly maxAttempts?: number;
  };
  /** A request not answered within this time (reconnects included) is rejected. @default 30000 */
  readonly requestTimeoutMs?: number;
};

/** `open` → `reconnecting` (connection lost) → `open` (reconnected, catching up) …, and finally `closed`. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChatClientEvents {
  /** Each new state of a message — created, edited, deleted, reacted to — once, in the room's change order. */
  message: (message: ChatMessage) => void;
  /** Someone else in a joined room started or stopped typing. */
  typing: (event: TypingEvent) => void;
  /** Something went wrong outside any request: a catch-up that failed, a frame that was not JSON, a token fetch. */
  error: (error: Error) => void;
  state: (state: ConnectionState) => void;
}

export interface SendOptions {
  /** Makes the send idempotent; the client generates one when absent, so its own retries never duplicate. */
  readonly clientMessageId?: string;
  /** Posts the message as a reply in this message's thread. */
  readonly replyToId?: string;
}

export interface HistoryOptions {
  /** 1–100. @default 20 */
  readonly limit?: number;
  readonly nextToken?: string;
  /** A message cursor: read what changed after it, in change order, instead of the newest messages. */
  readonly after?: string;
}

export interface HistoryPage {
  readonly roomId: string;
  /** Newest first, or in change order with `after`. */
  readonly items: readonly ChatMessage[];
  /** Continues the listing; null on the last page. */
  readonly nextToken: string | null;
}

type ClientFrame =
  | ({ action: 'sendmessage' } & z.input<typeof SendMessageRequest>)
  | ({ action: 'joinroom' | 'leaveroom' } & z.input<typeof RoomRequest>)
  | ({ action: 'typing' } & z.input<typeof TypingRequest>)
  | ({ action: 'history' } & z.input<typeof HistoryRequest>);

type ReplyType = Exclude<ReplyFrame['type'], 'error'>;
type Reply<T extends ReplyType> = Extract<ReplyFrame, { type: T }>;

interface PendingRequest {
  readonly frame: ClientFrame & { readonly requestId: string };
  readonly expects: ReplyType;
  /** Sent again on the next connection if this one drops before the reply (every request is safe to repeat). */
  readonly resend: boolean;
  readonly timer: ReturnType<typeof setTimeout>;
  resolve(reply: ReplyFrame): void;
  reject(error: Error): void;
}

/** What the client knows of a room whose messages it receives. */
interface TrackedRoom {
  /** The highest cursor delivered: the next catch-up reads after it. */
  cursor: string | undefined;
  /** Pushes held while the room catches up, delivered after the missed messages so that order holds. */
  held: ChatMessage[] | null;
}

type Listeners = { [E in keyof ChatClientEvents]: Set<ChatClientEvents[E]> };

/**
 * Opens a connection and resolves once it is open; rejects with {@link ChatConnectError} if that first connection
 * is refused (a bad token is a 401) or unreachable. Later losses are healed by reconnecting.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * const chat = await connectChat({ url: 'ws://127.0.0.1:4001/prod', getToken: () => signIn(), WebSocket });
 * chat.on('message', (message) => console.log(`${message.authorId}: ${message.body}`));
 * await chat.join('lobby');
 * await chat.send('lobby', 'hello');
 * ```
 */
export async function connectChat(options: ConnectChatOptions): Promise<ChatClient> {
  const client = new ChatClient(options);
  await client.start();
  return client;
}

export class ChatClient {
  #state: ConnectionState = 'connecting';
  #socket: WebSocketLike | null = null;
  #requestCount = 0;
  #reconnectAttempts = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #pending = new Map<string, PendingRequest>();
  readonly #rooms = new Map<string, TrackedRoom>();
  /** The highest version delivered (or read through `history`) per message id. */
  readonly #seen = new Map<string, number>();
  readonly #listeners: Listeners = { message: new Set(), typing: new Set(), error: new Set(), state: new Set() };
  readonly #WebSocket: WebSocketConstructor;
  readonly #getToken: () => string | Promise<string>;
  readonly #requestTimeoutMs: number;

  /** Use {@link connectChat}, which also opens the connection. */
  constructor(private readonly options: ConnectChatOptions) {
    const implementation = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (implementation === undefined) throw new NoWebSocketError();
    this.#WebSocket = implementation;
    this.#getToken = 'getToken' in options ? options.getToken : () => options.token;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Opens the first connection. */
  async start(): Promise<void> {
    this.#adopt(await this.#open());
  }

  /** Listens to an event; returns a function that stops listening. */
  on<E extends keyof ChatClientEvents>(event: E, listener: ChatClientEvents[E]): () => void {
    const listeners = this.#listeners[event] as Set<ChatClientEvents[E]>;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Posts a message; `roomId` undefined posts to the lobby (created and joined on first use). Resolves with the
   * stored message, which listeners also get as a `message` event.
   */
  async send(roomId: string | undefined, body: string, options: SendOptions = {}): Promise<ChatMessage> {
    const reply = await this.#request('sent', {
      action: 'sendmessage',
      message: body,
      ...(roomId === undefined ? {} : { roomId }),
      clientMessageId: options.clientMessageId ?? crypto.randomUUID(),
      ...(options.replyToId === undefined ? {} : { replyToId: options.replyToId }),
    });
    this.#receive(reply.message);
    return reply.message;
  }

  /** Joins a public room (idempotent); from then on its messages arrive as events and are caught up after drops. */
  async join(roomId: string): Promise<Membership> {
    const { membership } = await this.#request('joined', { action: 'joinroom', roomId });
    if (!this.#rooms.has(roomId)) {
      // Nothing seen yet: catch-up starts at the join, by the server's clock (the room's earlier messages are
      // history, read on demand).
      const joinedAt = typeof membership.joinedAt === 'string' ? Date.parse(membership.joinedAt) : Number.NaN;
      this.#rooms.set(roomId, { cursor: Number.isNaN(joinedAt) ? START_CURSOR : cursorAt(joinedAt), held: null });
    }
    return membership;
  }

  /** Leaves a room: its pushes stop, and it is no longer caught up. */
  async leave(roomId: string): Promise<Membership> {
    const { membership } = await this.#request('left', { action: 'leaveroom', roomId });
    this.#rooms.delete(roomId);
    return membership;
  }

  /** Tells the room's other members that the user is typing (or, with `false`, stopped). */
  async typing(roomId: string, typing = true): Promise<TypingEvent> {
    return (await this.#request('typingSent', { action: 'typing', roomId, typing })).event;
  }

  /**
   * A page of a room's messages (joined members only). The states read count as seen: a push repeating one is not
   * delivered again.
   */
  async history(roomId: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    const reply = await this.#request('history', { action: 'history', roomId, ...options });
    const room = this.#rooms.get(roomId);
    for (const message of reply.items) {
      this.#remember(message);
      // While a room catches up its cursor moves only with what catch-up delivers, or a second drop could skip.
      if (room !== undefined && room.held === null) room.cursor = laterCursor(room.cursor, message.cursor);
    }
    return { roomId: reply.roomId, items: reply.items, nextToken: reply.nextToken };
  }

  /** Closes the connection for good; unanswered requests reject with {@link ChatClosedError}. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    clearTimeout(this.#reconnectTimer);
    this.#failPending(() => true, (request) => new ChatClosedError(request.frame.action));
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null) return;
    const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
    socket.close(1000, 'client closed');
    await closed;
  }

  /** Opens a socket with a fresh token; resolves when open, rejects with ChatConnectError if it closes first. */
  async #open(): Promise<WebSocketLike> {
    const token = await this.#getToken();
    return new Promise((resolve, reject) => {
      // The token rides as a subprotocol beside `wavechat`: browsers cannot set headers, and URLs end up in logs.
      const socket = new this.#WebSocket(this.options.url, [SUBPROTOCOL, token]);
      let opened = false;
      let failure: string | undefined;
      socket.addEventListener('open', () => {
        opened = true;
        resolve(socket);
      });
      socket.addEventListener('error', (event) => {
        failure = event.message ?? failure;
      });
      socket.addEventListener('close', () => {
        if (opened) this.#lost(socket);
        else reject(new ChatConnectError(this.options.url, failure));
      });
      socket.addEventListener('message', (event) => this.#onFrame(event.data));
    });
  }

  /** Makes an open socket the connection: (re)sends what awaits an answer, then catches up. */
  #adopt(socket: WebSocketLike): void {
    if (this.#state === 'closed') {
      socket.close(1000, 'client closed');
      return;
    }
    const reconnected = this.#state === 'reconnecting';
    this.#socket = socket;
    this.#reconnectAttempts = 0;
    this.#setState('open');
    for (const request of this.#pending.values()) socket.send(JSON.stringify(request.frame));
    if (reconnected) for (const [roomId, room] of this.#rooms) void this.#catchUp(roomId, room);
  }

  #lost(socket: WebSocketLike): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    this.#failPending((request) => !request.resend, (request) => new ChatConnectionLostError(request.frame.action));
    if (this.#state === 'closed') return;
    this.#setState('reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const maxAttempts = this.options.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY;
    if (this.#reconnectAttempts >= maxAttempts) {
      this.#emit('error', new ChatConnectError(this.options.url, `gave up after ${maxAttempts} reconnect attempts`));
      void this.close();
      return;
    }
    const delay = backoffDelay(this.#reconnectAttempts, this.options.reconnect);
    this.#reconnectAttempts += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#open().then(
        (socket) => this.#adopt(socket),
        (error: unknown) => {
          if (this.#state === 'closed') return;
          // A refused or unreachable server is what backoff is for; anything else (getToken failing) is news.
          if (!(error instanceof ChatConnectError)) this.#emit('error', asError(error));
          this.#scheduleReconnect();
        },
      );
    }, delay);
  }

  /**
   * Reads every change since the room's cursor, page by page in change order, delivering what was not seen, then
   * the pushes that arrived meanwhile. A drop midway leaves the held pushes for the next connection's catch-up.
   */
  async #catchUp(roomId: string, room: TrackedRoom): Promise<void> {
    room.held ??= [];
    const after = room.cursor ?? START_CURSOR;
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.#request(
          'history',
          { action: 'history', roomId, after, limit: CATCH_UP_PAGE, ...(nextToken === undefined ? {} : { nextToken }) },
          { resend: false },
        );
        for (const message of page.items) this.#deliver(message);
        nextToken = page.nextToken ?? undefined;
      } while (nextToken !== undefined);
    } catch (error) {
      if (error instanceof ChatConnectionLostError || error instanceof ChatClosedError) return;
      const gone = error instanceof ChatRequestError && (error.type === 'Unauthorized' || error.type === 'NotFound');
      // No longer a member (left, banned, room deleted while away): stop following the room. Anything else the
      // application should hear about; the held pushes are delivered either way rather than kept forever.
      if (gone) this.#rooms.delete(roomId);
      else this.#emit('error', asError(error));
    }
    const held = room.held;
    room.held = null;
    for (const message of held) this.#deliver(message);
  }

  async #request<T extends ReplyType>(
    expects: T,
    frame: ClientFrame,
    { resend = true }: { resend?: boolean } = {},
  ): Promise<Reply<T>> {
    if (this.#state === 'closed') throw new ChatClosedError(frame.action);
    this.#requestCount += 1;
    const requestId = `r${this.#requestCount}`;
    const framed = { ...frame, requestId };
    return new Promise<Reply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new ChatRequestTimeoutError(frame.action, this.#requestTimeoutMs));
      }, this.#requestTimeoutMs);
      this.#pending.set(requestId, {
        frame: framed,
        expects,
        resend,
        timer,
        resolve: (reply) => resolve(reply as Reply<T>),
        reject,
      });
      if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify(framed));
    });
  }

  #onFrame(data: unknown): void {
    // The protocol's frames are text; API Gateway never sends binary.
    if (typeof data !== 'string') return;
    let frame: ServerFrame & { readonly requestId?: string };
    try {
      frame = JSON.parse(data) as typeof frame;
    } catch {
      this.#emit('error', new ChatClientError(`The server sent a frame that is not JSON: ${data.slice(0, 200)}`));
      return;
    }
    const request = frame.requestId === undefined ? undefined : this.#pending.get(frame.requestId);
    if (request !== undefined) {
      this.#settle(request, frame);
      return;
    }
    if (frame.type === 'message') this.#receive(frame.message);
    else if (frame.type === 'typing') {
      const { roomId, userId, typing, at } = frame;
      this.#emit('typing', { roomId, userId, typing, at });
    } else if (frame.type === 'error') {
      this.#emit('error', new ChatRequestError(frame.action, frame.error.type, frame.error.message, frame.requestId ?? ''));
    }
    // Other replies without a waiting request answer one that timed out, or a resent one answered twice.
  }

  #settle(request: PendingRequest, frame: ServerFrame): void {
    const { requestId, action } = request.frame;
    this.#pending.delete(requestId);
    clearTimeout(request.timer);
    if (frame.type === 'error') request.reject(new ChatRequestError(action, frame.error.type, frame.error.message, requestId));
    else if (frame.type === request.expects) request.resolve(frame as ReplyFrame);
    else request.reject(new ChatClientError(`${action} was answered with a ${frame.type} frame`));
  }

  #failPending(which: (request: PendingRequest) => boolean, error: (request: PendingRequest) => Error): void {
    for (const [requestId, request] of this.#pending) {
      if (!which(request)) continue;
      this.#pending.delete(requestId);
      clearTimeout(request.timer);
      request.reject(error(request));
    }
  }

  /** A message state from a push or a reply: held while its room catches up, else delivered. */
  #receive(message: ChatMessage): void {
    let room = this.#rooms.get(message.roomId);
    if (room === undefined) {
      // Pushes come only from rooms the user is in (joined elsewhere, or the lobby on first send): follow them too.
      room = { cursor: undefined, held: null };
      this.#rooms.set(message.roomId, room);
    }
    if (room.held !== null) room.held.push(message);
    else this.#deliver(message);
  }

  /** Emits a message state unless this version (or a later one) was already delivered or read. */
  #deliver(message: ChatMessage): void {
    const seen = this.#seen.get(message.id);
    if (seen !== undefined && seen >= message.version) return;
    this.#remember(message);
    const room = this.#rooms.get(message.roomId);
    if (room !== undefined) room.cursor = laterCursor(room.cursor, message.cursor);
    this.#emit('message', message);
  }

  #remember(message: ChatMessage): void {
    const seen = this.#seen.get(message.id);
    if (seen !== undefined && seen >= message.version) return;
    // Re-inserting keeps the map in order of last change, so the stalest ids are forgotten first.
    this.#seen.delete(message.id);
    this.#seen.set(message.id, message.version);
    if (this.#seen.size > REMEMBERED_MESSAGES) {
      const oldest = this.#seen.keys().next();
      if (oldest.done !== true) this.#seen.delete(oldest.value);
    }
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#emit('state', state);
  }

  #emit<E extends keyof ChatClientEvents>(event: E, ...args: Parameters<ChatClientEvents[E]>): void {
    for (const listener of this.#listeners[event]) {
      try {
        (listener as (...values: Parameters<ChatClientEvents[E]>) => void)(...args);
      } catch (error) {
        // A listener's failure is the application's; it must not break delivery to the others.
        if (event !== 'error') this.#emit('error', asError(error));
      }
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
