/**
 * The security suites' cloud and callers: one local cloud with the raw WebSocket side, users signed in through
 * cognito-local, every kind of bad token, and plain clients (fetch, SigV4, `ws`) for the three endpoints.
 */
import { createPrivateKey, createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { WebSocket } from 'ws';
import { chatFunctions, chatWebSocketApi } from '../../lambdas/app.js';
import type { IamPrincipal } from '../../local/appsync/auth/index.js';
import {
  GRAPHQL_WS_SUBPROTOCOL,
  connectionInitMessage,
  encodeAuthSubprotocol,
  startMessage,
} from '../../local/appsync/realtime/index.js';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.js';
import { createUser, provisionUserPool, signIn } from '../../local/cognito/index.js';
import { LOCAL_REGION } from '../../local/dynamodb/index.js';
import { chatApi } from '../../resolvers/api.js';
import { ROOT_DIR } from '../support/cloud.js';

/** A GraphQL HTTP answer: status and parsed body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: { data?: Record<string, unknown> | null; errors?: { errorType?: string; message?: string }[] };
}

/** Who calls: a user-pool token (or none), or the IAM backend acting for a user. */
export type Credentials =
  | { readonly kind: 'token'; readonly token?: string; readonly extraHeaders?: Record<string, string> }
  | { readonly kind: 'iam'; readonly actingUserId?: string; readonly principal?: IamPrincipal };

/** Starts the chat cloud with its raw WebSocket API (stream pushes are not needed by these suites). */
export function startSecurityCloud(): Promise<LocalCloud> {
  return startLocalCloud({
    api: chatApi,
    rootDir: ROOT_DIR,
    functions: chatFunctions,
    webSocketApi: chatWebSocketApi,
    lambdaLog: () => undefined,
  });
}

/** A confirmed user of the cloud's pool, signed in; `sub` is the user id. */
export async function signedInUser(cloud: LocalCloud, name: string): Promise<{ sub: string; token: string; email: string; password: string }> {
  const email = `${name}@example.com`;
  const password = `Passw0rd!${name}`;
  const { sub } = await createUser(cloud.cognitoEndpoint, cloud.userPool, { email, password });
  const tokens = await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, email, password);
  return { sub, token: tokens.accessToken, email, password };
}

/** Tokens that must never get in: each names why. */
export interface BadTokens {
  readonly expired: string;
  readonly tampered: string;
  readonly unsigned: string;
  readonly wrongClient: string;
  readonly wrongPool: string;
  readonly garbage: string;
}

/**
 * Bad tokens derived from a valid one of `user` (whose email/password sign in to the cloud's pool) and a victim's
 * sub (the tampered token claims to be the victim).
 */
export async function badTokens(
  cloud: LocalCloud,
  user: { token: string; email: string; password: string },
  victimSub: string,
): Promise<BadTokens> {
  const now = Math.floor(Date.now() / 1000);
  const [header, payload, signature] = user.token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // The same pool, another app client: signed by the right key, with the wrong client id.
  const otherClient = await provisionUserPool(cloud.cognitoEndpoint, { poolName: chatApi.name, clientName: 'security-other-app' });
  // Another pool of the same cognito-local: the same signing key, the wrong issuer.
  const otherPool = await provisionUserPool(cloud.cognitoEndpoint, { poolName: 'security-other-pool', clientName: 'app' });
  await createUser(cloud.cognitoEndpoint, otherPool, { email: user.email, password: user.password });
  return {
    expired: resignWithCognitoLocalKey(header, { ...claims, iat: now - 7200, exp: now - 3600 }),
    tampered: `${header}.${encode({ ...claims, sub: victimSub, username: victimSub })}.${signature}`,
    unsigned: `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`,
    wrongClient: (await signIn(cloud.cognitoEndpoint, otherClient.userPoolClientId, user.email, user.password)).accessToken,
    wrongPool: (await signIn(cloud.cognitoEndpoint, otherPool.userPoolClientId, user.email, user.password)).accessToken,
    garbage: 'not-a-jwt',
  };
}

/** cognito-local signs every pool with one published key: re-signing with it makes validly signed bad tokens. */
function resignWithCognitoLocalKey(header: string, claims: Record<string, unknown>): string {
  const keyFile = createRequire(import.meta.url).resolve('cognito-local/lib/keys/cognitoLocal.private.json');
  const { jwk } = JSON.parse(readFileSync(keyFile, 'utf8')) as { jwk: Record<string, string> };
  const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** A principal with the backend's key id and the wrong secret: a forged signature. */
export function forgedPrincipal(cloud: LocalCloud): IamPrincipal {
  return { ...cloud.backendPrincipal, secretAccessKey: 'not-the-backend-secret' };
}

/** Posts a raw body to `/graphql` with raw headers. */
export async function postRaw(cloud: LocalCloud, body: string | Uint8Array, headers: Record<string, string>): Promise<HttpAnswer> {
  const response = await fetch(cloud.appsync.graphqlUrl, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: HttpAnswer['body'] = {};
  try {
    parsed = JSON.parse(text) as HttpAnswer['body'];
  } catch {
    // Not JSON: the status says enough.
  }
  return { status: response.status, body: parsed };
}

/** Posts `{query, variables}` as `credentials`. */
export async function graphql(
  cloud: LocalCloud,
  credentials: Credentials,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<HttpAnswer> {
  const body = JSON.stringify({ query, variables });
  const base = { 'content-type': 'application/json' };
  if (credentials.kind === 'token') {
    const auth: Record<string, string> = credentials.token === undefined ? {} : { authorization: credentials.token };
    return postRaw(cloud, body, { ...base, ...auth, ...credentials.extraHeaders });
  }
  const headers: Record<string, string> = { ...base };
  if (credentials.actingUserId !== undefined) headers['x-wavechat-user-id'] = credentials.actingUserId;
  const { host: _host, ...signed } = await signIam(cloud, '/graphql', body, headers, credentials.principal);
  return postRaw(cloud, body, signed);
}

/** SigV4 headers (host included) for `POST <path>` of the AppSync endpoint. */
async function signIam(
  cloud: LocalCloud,
  path: string,
  body: string,
  headers: Record<string, string>,
  principal: IamPrincipal = cloud.backendPrincipal,
): Promise<Record<string, string>> {
  const url = new URL(cloud.appsync.graphqlUrl);
  const signer = new SignatureV4({
    service: 'appsync',
    region: LOCAL_REGION,
    credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path,
      headers: { ...headers, host: url.host },
      body,
    }),
  );
  return signed.headers;
}

/** A text-frame client that keeps what it received and lets a test await the next matching frame. */
export class FrameClient {
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private read = 0;
  private wake: (() => void) | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        frame = { unparsed: String(data) };
      }
      this.frames.push(frame);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      });
    });
    socket.on('error', () => undefined);
  }

  /** The next unread frame matching `match`; skipped frames are consumed. Rejects on timeout or close. */
  async next(match: (frame: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.frames.length) {
        const frame = this.frames[this.read++]!;
        if (match(frame)) return frame;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no matching frame; received: ${JSON.stringify(this.frames)}`);
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

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.socket.terminate();
  }
}

/** How a WebSocket handshake ended: open, or refused with an HTTP status. */
export type Handshake = { readonly open: FrameClient } | { readonly refused: number };

/** Opens a `ws` socket; resolves with the client once open or with the refusal status. */
export function handshake(url: string, protocols: string[] | undefined, options: { ca?: string } = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, options);
    const client = new FrameClient(socket);
    socket.once('open', () => resolve({ open: client }));
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      resolve({ refused: response.statusCode ?? 0 });
    });
    socket.once('error', reject);
  });
}

/** The real-time authorization object for `credentials` (connect when `startData` is absent). */
export async function realtimeAuthorization(
  cloud: LocalCloud,
  credentials: Credentials,
  startData?: string,
): Promise<Record<string, string>> {
  const host = new URL(cloud.appsync.graphqlUrl).host;
  if (credentials.kind === 'token') return { host, ...(credentials.token === undefined ? {} : { Authorization: credentials.token }) };
  // Amplify signs connect as POST <endpoint>/connect with body {}, and each start as POST <endpoint> with its data.
  return signIam(
    cloud,
    startData === undefined ? '/graphql/connect' : '/graphql',
    startData ?? '{}',
    {
      accept: 'application/json, text/javascript',
      'content-encoding': 'amz-1.0',
      'content-type': 'application/json; charset=UTF-8',
    },
    credentials.principal,
  );
}

/** Opens a real-time socket and sends `connection_init`; resolves with its first answer and the client. */
export async function realtimeConnect(
  cloud: LocalCloud,
  credentials: Credentials,
): Promise<{ client: FrameClient; answer: Record<string, unknown> }> {
  const authorization = await realtimeAuthorization(cloud, credentials);
  const result = await handshake(cloud.appsync.realtimeUrl, [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(authorization)], {
    ca: cloud.appsync.caCertPem,
  });
  if (!('open' in result)) throw new Error(`the real-time handshake was refused with ${result.refused}`);
  result.open.send(connectionInitMessage());
  const answer = await result.open.next((frame) => frame['type'] !== 'ka');
  return { client: result.open, answer };
}

/** Sends `start` for a subscription; resolves with `start_ack` or the `error` frame answering it. */
export async function realtimeStart(
  client: FrameClient,
  id: string,
  query: string,
  variables: Record<string, unknown>,
  authorization?: Record<string, string>,
): Promise<Record<string, unknown>> {
  client.send(startMessage(id, { query, variables }, authorization));
  return client.next((frame) => frame['id'] === id && (frame['type'] === 'start_ack' || frame['type'] === 'error'));
}

/** Sends one raw-protocol request and resolves with the reply that echoes its `requestId`. */
export async function rawRequest(client: FrameClient, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const requestId = `r${Math.random().toString(36).slice(2)}`;
  client.send({ ...request, requestId });
  return client.next((frame) => frame['requestId'] === requestId, 10_000);
}
