/**
 * For the limits tests: the whole local cloud with a tiny send rate window, users who call the GraphQL endpoint with
 * their Cognito ID token (as AppSync sees any client), speak the raw WebSocket protocol, or AppSync's real-time
 * protocol, over real sockets.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../../lambdas/app.js';
import { chatApiWith, type SendRateLimit } from '../../resolvers/api.js';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.js';
import { signIn } from '../../local/cognito/index.js';
import {
  GRAPHQL_WS_SUBPROTOCOL,
  connectionInitMessage,
  encodeAuthSubprotocol,
  startMessage,
} from '../../local/appsync/realtime/index.js';
import { addUser, ROOT_DIR } from '../support/cloud.js';

/** The whole app as `npm start` runs it, with the given send rate limit. */
export function startLimitedCloud(sendRate: SendRateLimit): Promise<LocalCloud> {
  return startLocalCloud({
    api: chatApiWith(sendRate),
    functions: chatFunctions,
    webSocketApi: chatWebSocketApi,
    streamConsumers: chatStreamConsumers,
    rootDir: ROOT_DIR,
    lambdaLog: () => undefined,
  });
}

/** One entry of a GraphQL response's `errors`, as AppSync sends it. */
export interface GraphqlErrorEntry {
  readonly message: string;
  readonly errorType?: string;
  readonly errorInfo?: { readonly retryAfter?: number; readonly limit?: string } | null;
}

export interface GraphqlAnswer<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphqlErrorEntry[];
}

/** A signed-in user: id (Cognito sub) and ID token. */
export interface TestUser {
  readonly name: string;
  readonly id: string;
  readonly idToken: string;
}

export async function signedInUser(cloud: LocalCloud, name: string): Promise<TestUser> {
  const { email, password, sub } = await addUser(cloud, name);
  const { idToken } = await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, email, password);
  return { name, id: sub, idToken };
}

/** One GraphQL request over HTTP with the user's token; the answer as AppSync returns it. */
export async function graphqlAs<T = Record<string, unknown>>(
  cloud: LocalCloud,
  user: TestUser,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer<T>> {
  const response = await fetch(cloud.appsync.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: user.idToken },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlAnswer<T>;
}

/** The data of an operation that must succeed. */
export async function runAs<T>(cloud: LocalCloud, user: TestUser, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await graphqlAs<T>(cloud, user, query, variables);
  if (answer.errors?.length || !answer.data) throw new Error(`${user.name}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

export type Frame = { readonly type: string; readonly requestId?: string } & Record<string, unknown>;

/** A raw WebSocket API client: sends requests with a requestId and waits for the reply that echoes it. */
export class RawClient {
  private readonly frames: Frame[] = [];
  private readonly waiters: { match(frame: Frame): boolean; resolve(frame: Frame): void }[] = [];
  private nextRequest = 1;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      } else {
        this.frames.push(frame);
      }
    });
  }

  static async connect(cloud: LocalCloud, user: TestUser): Promise<RawClient> {
    const socket = new WebSocket(`${cloud.webSocket?.url}?token=${user.idToken}`);
    await once(socket, 'open');
    return new RawClient(socket);
  }

  /** Sends `{action, ...fields, requestId}` and resolves with the reply frame (`sent`, `joined`, `error`, …). */
  request(action: string, fields: Record<string, unknown>): Promise<Frame> {
    const requestId = `r${this.nextRequest++}`;
    const reply = new Promise<Frame>((resolve, reject) => {
      const match = (frame: Frame) => frame.requestId === requestId;
      const early = this.frames.find(match);
      if (early) return resolve(early);
      const timer = setTimeout(() => reject(new Error(`no reply to ${action} ${requestId}`)), 15_000);
      this.waiters.push({ match, resolve: (frame) => (clearTimeout(timer), resolve(frame)) });
    });
    this.socket.send(JSON.stringify({ action, ...fields, requestId }));
    return reply;
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Waits, if needed, until at least `neededMs` of the current fixed window are left, so that a burst falls in one
 * window (the server and the tests share the clock).
 */
export async function startOfWindow(windowSeconds: number, neededMs: number): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededMs) await sleep(left + 20);
}

/** Waits as long as a refusal's `retryAfter` says. */
export function waitRetryAfter(seconds: number): Promise<void> {
  return sleep(seconds * 1000);
}

/**
 * A client of the AppSync real-time endpoint speaking the protocol frame by frame (as Amplify does, without its
 * retries), authenticated with the user's ID token.
 */
export class RealtimeClient {
  readonly frames: Record<string, unknown>[] = [];
  private readonly waiters: { test(): boolean; resolve(): void }[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const waiter of [...this.waiters]) {
        if (waiter.test()) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  }

  static async connect(cloud: LocalCloud, user: TestUser, caPem: string): Promise<RealtimeClient> {
    const url = new URL(cloud.appsync.realtimeUrl);
    const authorization = { Authorization: user.idToken, host: url.host };
    const socket = new WebSocket(url, [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(authorization)], { ca: caPem });
    await once(socket, 'open');
    const client = new RealtimeClient(socket);
    client.send(connectionInitMessage());
    await client.until((frames) => frames.some((f) => f['type'] === 'connection_ack'), 'connection_ack');
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  start(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.send(startMessage(id, { query, variables }));
  }

  /** The frames of one subscription id. */
  framesOf(id: string): Record<string, unknown>[] {
    return this.frames.filter((frame) => frame['id'] === id);
  }

  /** Resolves once `test` holds for the frames received so far. */
  until(test: (frames: readonly Record<string, unknown>[]) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (test(this.frames)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ test: () => test(this.frames), resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  close(): void {
    this.socket.terminate();
  }
}
