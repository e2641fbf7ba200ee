/**
 * Shared pieces of the real-time tests: a fake engine, a server on the dual HTTP/HTTPS port, and a frame reader.
 *
 * `FakeRealtimeBackend` is a test double standing in for the subscription engine (which lives elsewhere): it accepts
 * one API key, keeps the sinks it is given so tests can push events or invalidate subscriptions, and records every
 * call so tests can check what the transport passed on.
 */
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { AuthRequest, Authentication } from '../../../local/appsync/auth/types.js';
import {
  attachRealtime,
  type RealtimeOptions,
  type RealtimeServer,
  type RealtimeBackend,
  type StartResult,
  type SubscriptionSink,
  type SubscriptionStartRequest,
} from '../../../local/appsync/realtime/index.js';
import { ensureLocalCertificates, listenHttpAndHttps, type LocalCertificates } from '../../../local/appsync/tls/index.js';

export const API_KEY = 'da2-localtestkey';
export const REFUSED_FIELD = 'onForbidden';
/** A query naming this field makes the fake push one event from inside `start`, before `start_ack` is sent. */
export const PUSH_DURING_START_FIELD = 'onEager';

/** Shared by all test files; `ensureLocalCertificates` serialises concurrent callers with its lock. */
export const TEST_CERTIFICATE_DIR = join(tmpdir(), 'wavechat-test-tls');

interface ActiveSubscription {
  readonly connectionId: string;
  readonly subscriptionId: string;
  readonly sink: SubscriptionSink;
}

type Waiter = () => boolean;

export class FakeRealtimeBackend implements RealtimeBackend {
  readonly authRequests: AuthRequest[] = [];
  readonly starts: Omit<SubscriptionStartRequest, 'sink'>[] = [];
  readonly stops: { connectionId: string; subscriptionId: string }[] = [];
  readonly disconnects: string[] = [];
  readonly active: ActiveSubscription[] = [];
  private waiters: Waiter[] = [];

  async authenticate(request: AuthRequest): Promise<Authentication> {
    this.authRequests.push(request);
    this.changed();
    const apiKey = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-api-key')?.[1];
    if (apiKey !== API_KEY) throw new Error('You are not authorized to make this call.');
    return { mode: 'API_KEY', identity: null, authType: 'API Key Authorization', groups: [] };
  }

  async start(request: SubscriptionStartRequest): Promise<StartResult> {
    const { sink, ...rest } = request;
    this.starts.push(rest);
    const { query } = JSON.parse(request.data) as { query: string };
    if (query.includes(REFUSED_FIELD)) {
      this.changed();
      return {
        ok: false,
        errors: [{ errorType: 'Unauthorized', message: `Not Authorized to access ${REFUSED_FIELD} on type Subscription` }],
      };
    }
    this.active.push({ connectionId: request.connectionId, subscriptionId: request.subscriptionId, sink });
    if (query.includes(PUSH_DURING_START_FIELD)) sink.next({ [PUSH_DURING_START_FIELD]: 'early' });
    this.changed();
    return { ok: true };
  }

  stop(connectionId: string, subscriptionId: string): void {
    this.stops.push({ connectionId, subscriptionId });
    this.drop((s) => s.connectionId === connectionId && s.subscriptionId === subscriptionId);
  }

  disconnect(connectionId: string): void {
    this.disconnects.push(connectionId);
    this.drop((s) => s.connectionId === connectionId);
  }

  /** Pushes `data` to every active subscription with this id. */
  push(subscriptionId: string, data: unknown): void {
    for (const s of this.active) if (s.subscriptionId === subscriptionId) s.sink.next(data);
  }

  /** Ends a subscription from the server side, as an invalidation would. */
  invalidate(subscriptionId: string): void {
    const ended = this.active.filter((s) => s.subscriptionId === subscriptionId);
    this.drop((s) => s.subscriptionId === subscriptionId);
    for (const s of ended) s.sink.close();
  }

  /** Resolves once `condition` holds (checked on every recorded call). */
  until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('FakeRealtimeBackend: condition not reached in time')), timeoutMs);
      this.waiters.push(() => {
        if (!condition()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      });
    });
  }

  private drop(match: (s: ActiveSubscription) => boolean): void {
    for (let i = this.active.length - 1; i >= 0; i--) if (match(this.active[i]!)) this.active.splice(i, 1);
    this.changed();
  }

  private changed(): void {
    this.waiters = this.waiters.filter((waiter) => !waiter());
  }
}

export interface TestServer {
  readonly port: number;
  readonly certificates: LocalCertificates;
  readonly backend: FakeRealtimeBackend;
  readonly realtime: RealtimeServer;
  close(): Promise<void>;
}

/** The real listener and real-time endpoint on 127.0.0.1 with a fake engine; other upgrade paths get a 404. */
export async function startTestServer(options: Partial<Omit<RealtimeOptions, 'backend'>> = {}): Promise<TestServer> {
  const certificates = await ensureLocalCertificates(TEST_CERTIFICATE_DIR);
  const backend = new FakeRealtimeBackend();
  const realtime = attachRealtime({ graphqlPath: '/graphql', backend, ...options });
  const listener = await listenHttpAndHttps({
    host: '127.0.0.1',
    port: 0,
    tls: certificates,
    onRequest: (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, tls: 'encrypted' in req.socket }));
    },
    onUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!realtime.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    },
  });
  return {
    port: listener.port,
    certificates,
    backend,
    realtime,
    async close() {
      realtime.close();
      await listener.close();
    },
  };
}

/** A `ws` client that keeps every frame it receives (raw text and parsed) and lets tests await the next match. */
export class FrameReader {
  readonly raw: string[] = [];
  private consumed = 0;
  private wake: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.raw.push(String(data));
      this.wake?.();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      });
    });
  }

  /** The next frame (after those already returned) that satisfies `match`; frames skipped on the way are dropped. */
  async next(
    match: (frame: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<{ frame: Record<string, unknown>; text: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.consumed < this.raw.length) {
        const text = this.raw[this.consumed++]!;
        const frame = JSON.parse(text) as Record<string, unknown>;
        if (match(frame)) return { frame, text };
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no matching frame; received so far: ${this.raw.join(' | ')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The next frame that is not a keep-alive. */
  nextNonKeepAlive(timeoutMs?: number): Promise<{ frame: Record<string, unknown>; text: string }> {
    return this.next((frame) => frame['type'] !== 'ka', timeoutMs);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
}

/** Opens a `ws` connection and resolves once it is open (rejects on handshake failure). */
export function openSocket(
  url: string,
  protocols: string[] | undefined,
  options: { ca?: string; headers?: Record<string, string> } = {},
): Promise<FrameReader> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, options);
    const reader = new FrameReader(socket);
    socket.once('open', () => resolve(reader));
    socket.once('error', reject);
  });
}
