/**
 * The engine tests' server: the real local AppSync (`startLocalAppSync`) running the fixture API with all three auth
 * modes, plus clients that call it as real clients do — fetch for `POST /graphql` (API key, SigV4, user-pool JWTs)
 * and `ws` speaking the AppSync real-time protocol.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'vitest';
import type { IamPrincipal } from '../../../local/appsync/auth/index.js';
import {
  GRAPHQL_WS_SUBPROTOCOL,
  connectionInitMessage,
  encodeAuthSubprotocol,
  startMessage,
} from '../../../local/appsync/realtime/index.js';
import { startLocalAppSync, type LocalAppSync } from '../../../local/appsync/server.js';
import { createDynamoDbClient, createTables, startDynamoDbLocal, type DynamoDbLocal } from '../../../local/dynamodb/index.js';
import { generateSigningKey, signJwt, startJwksServer, type JwksServer, type SigningKey } from '../auth/jwt-helpers.js';
import { TEST_CERTIFICATE_DIR, openSocket, type FrameReader } from '../realtime/support.js';
import { ENGINE_FIXTURE_DIR, engineTestApi, itemsTable } from './fixtures/api.js';

export const API_KEY = 'da2-enginetestkey';
export const REGION = 'us-east-1';
export const USER_POOL_CLIENT_ID = 'engine-test-client';
export const PRINCIPAL: IamPrincipal = {
  accessKeyId: 'AKIDENGINETEST',
  secretAccessKey: 'engine-test-secret',
  accountId: '000000000000',
  userArn: 'arn:aws:sts::000000000000:assumed-role/engine-test/local',
  username: 'AROAENGINETEST:local',
};

/** A caller of the HTTP endpoint: one auth mode's credentials, or none. */
export type Caller =
  | { readonly mode: 'API_KEY'; readonly apiKey?: string }
  | { readonly mode: 'AWS_IAM'; readonly principal?: IamPrincipal }
  | { readonly mode: 'AMAZON_COGNITO_USER_POOLS'; readonly token: string }
  | { readonly mode: 'NONE' };

export const apiKeyCaller: Caller = { mode: 'API_KEY' };
export const iamCaller: Caller = { mode: 'AWS_IAM' };

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body (null when it is not JSON). */
  readonly body: GraphqlBody;
}

/** A GraphQL response body as the tests read it. */
export interface GraphqlBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly Record<string, unknown>[];
}

export interface EngineServer {
  readonly appsync: LocalAppSync;
  /** `127.0.0.1:<port>`, the `host` header value clients sign. */
  readonly host: string;
  /** The client of the DynamoDB Local behind the API (only with `withDynamoDb`). */
  readonly dynamodb: DynamoDBClient | null;
  /** The user pool's issuer (`iss` of the tokens it accepts). */
  readonly issuer: string;
  /** A user-pool JWT signed with the pool's key; `claims` override the defaults (an ID token of user alice). */
  userPoolToken(claims?: Record<string, unknown>): string;
  /** Sends a raw body with raw headers. */
  post(body: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** Sends `{query, variables}` as `caller`. */
  graphql(caller: Caller, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** The headers a SigV4 client sends for `POST <path>` with `body` (the signer adds `x-amz-date`, `authorization`). */
  signIam(path: string, body: string, headers: Record<string, string>, principal?: IamPrincipal): Promise<Record<string, string>>;
  /** The real-time authorization object for `caller`, for the connect handshake or a `start`. */
  realtimeAuthorization(caller: Caller, start?: { data: string }): Promise<Record<string, string>>;
  /** Opens a real-time socket authorised as `caller` and completes `connection_init` / `connection_ack`. */
  connect(caller: Caller): Promise<RealtimeClient>;
  close(): Promise<void>;
}

/**
 * Starts the fixture API. DynamoDB Local is started only for files whose tests reach DynamoDB; otherwise the
 * DynamoDB data source gets a client for an address nothing listens on, which no test reaches.
 *
 * @example
 * ```ts
 * const server = await startEngineServer({ withDynamoDb: false });
 * const answer = await server.graphql(apiKeyCaller, 'query { whoami }');
 * const socket = await server.connect(iamCaller);
 * await socket.subscribe('s1', 'subscription { onIamOnly { body } }');
 * await server.close();
 * ```
 */
export async function startEngineServer(options: { readonly withDynamoDb: boolean }): Promise<EngineServer> {
  const [signingKey, dynamoDbLocal] = await Promise.all([
    generateSigningKey('engine-test-key'),
    options.withDynamoDb ? startDynamoDbLocal({}) : Promise.resolve(null),
  ]);
  const jwks = await startJwksServer([signingKey.publicJwk]);
  const issuer = jwks.jwksUri.replace('/.well-known/jwks.json', '');
  const dynamodb = createDynamoDbClient(dynamoDbLocal?.endpoint ?? 'http://127.0.0.1:9');
  if (dynamoDbLocal) await createTables(dynamodb, [itemsTable]);
  const appsync = await startLocalAppSync({
    definition: engineTestApi,
    rootDir: ENGINE_FIXTURE_DIR,
    dynamodb,
    tlsDir: TEST_CERTIFICATE_DIR,
    auth: {
      apiKeys: [{ id: API_KEY, expires: Math.floor(Date.now() / 1000) + 3600 }],
      iam: { region: REGION, principals: [PRINCIPAL] },
      userPool: { issuer, jwksUri: jwks.jwksUri, clientIds: [USER_POOL_CLIENT_ID] },
    },
  });
  return new FixtureServer(appsync, dynamoDbLocal, dynamodb, jwks, signingKey, issuer);
}

class FixtureServer implements EngineServer {
  readonly host: string;
  readonly dynamodb: DynamoDBClient | null;

  constructor(
    readonly appsync: LocalAppSync,
    private readonly dynamoDbLocal: DynamoDbLocal | null,
    private readonly dynamodbClient: DynamoDBClient,
    private readonly jwks: JwksServer,
    private readonly signingKey: SigningKey,
    readonly issuer: string,
  ) {
    this.host = `127.0.0.1:${appsync.port}`;
    this.dynamodb = dynamoDbLocal ? dynamodbClient : null;
  }

  userPoolToken(claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      {
        sub: 'alice-sub',
        iss: this.issuer,
        aud: USER_POOL_CLIENT_ID,
        token_use: 'id',
        'cognito:username': 'alice',
        email: 'alice@example.com',
        auth_time: now,
        iat: now,
        exp: now + 3600,
        ...claims,
      },
      this.signingKey,
    );
  }

  async post(body: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const response = await fetch(this.appsync.graphqlUrl, { method: 'POST', body, headers });
    const text = await response.text();
    let parsed: GraphqlBody;
    try {
      parsed = JSON.parse(text) as GraphqlBody;
    } catch {
      parsed = {};
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  async graphql(
    caller: Caller,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const body = JSON.stringify({ query, variables });
    const base = { 'content-type': 'application/json; charset=UTF-8', ...headers };
    return this.post(body, { ...base, ...(await this.credentialHeaders(caller, '/graphql', body, base)) });
  }

  async signIam(
    path: string,
    body: string,
    headers: Record<string, string>,
    principal: IamPrincipal = PRINCIPAL,
  ): Promise<Record<string, string>> {
    const signer = new SignatureV4({
      service: 'appsync',
      region: REGION,
      credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: this.appsync.port,
        path,
        headers: { ...headers, host: this.host },
        body,
      }),
    );
    return signed.headers;
  }

  async realtimeAuthorization(caller: Caller, start?: { data: string }): Promise<Record<string, string>> {
    if (caller.mode === 'AWS_IAM') {
      // Amplify signs connect as POST <endpoint>/connect with body {}, and each start as POST <endpoint> with its data.
      return this.signIam(start ? '/graphql' : '/graphql/connect', start ? start.data : '{}', REALTIME_IAM_HEADERS, caller.principal);
    }
    return { host: this.host, ...(await this.credentialHeaders(caller, '', '', {})) };
  }

  async connect(caller: Caller): Promise<RealtimeClient> {
    const authorization = await this.realtimeAuthorization(caller);
    const reader = await openSocket(this.appsync.realtimeUrl, [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(authorization)], {
      ca: this.appsync.caCertPem,
    });
    reader.send(connectionInitMessage());
    const ack = await reader.nextNonKeepAlive();
    expect(ack.frame, 'the answer to connection_init').toMatchObject({ type: 'connection_ack' });
    return new RealtimeClient(reader, this);
  }

  async close(): Promise<void> {
    await this.appsync.close();
    await this.jwks.close();
    this.dynamodbClient.destroy();
    await this.dynamoDbLocal?.stop();
  }

  /** The auth headers of an HTTP request; SigV4 signs `base` (content-type) plus host. */
  private async credentialHeaders(
    caller: Caller,
    path: string,
    body: string,
    base: Record<string, string>,
  ): Promise<Record<string, string>> {
    switch (caller.mode) {
      case 'API_KEY':
        return { 'x-api-key': caller.apiKey ?? API_KEY };
      case 'AMAZON_COGNITO_USER_POOLS':
        return { Authorization: caller.token };
      case 'AWS_IAM': {
        // fetch sets host itself, to the value that was signed.
        const { host: _host, ...signed } = await this.signIam(path, body, base, caller.principal);
        return signed;
      }
      case 'NONE':
        return {};
    }
  }
}

/** The headers Amplify signs for real-time connect and start requests (appsync-realtime.md §3). */
const REALTIME_IAM_HEADERS = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

/** An acknowledged real-time connection. */
export class RealtimeClient {
  constructor(
    readonly reader: FrameReader,
    private readonly server: EngineServer,
  ) {}

  /**
   * Sends `start` and resolves with the server's answer to it (`start_ack` or `error`). `as` puts that caller's
   * authorization in `payload.extensions.authorization`; without it the connection's authorization applies.
   */
  async subscribe(id: string, query: string, variables: Record<string, unknown> = {}, as?: Caller): Promise<Record<string, unknown>> {
    const message = startMessage(id, { query, variables });
    const authorization = as && (await this.server.realtimeAuthorization(as, { data: message.payload.data }));
    this.reader.send(authorization ? startMessage(id, { query, variables }, authorization) : message);
    return this.answerTo(id);
  }

  /** The next `start_ack` or `error` frame for `id`. */
  async answerTo(id: string): Promise<Record<string, unknown>> {
    const { frame } = await this.reader.next((f) => f['id'] === id && (f['type'] === 'start_ack' || f['type'] === 'error'));
    return frame;
  }

  /** The next data, complete or error frame (keep-alives skipped). */
  async nextEvent(): Promise<Record<string, unknown>> {
    return (await this.reader.next((f) => f['type'] === 'data' || f['type'] === 'complete' || f['type'] === 'error')).frame;
  }

  close(): void {
    this.reader.socket.close();
  }
}
