/**
 * The local AppSync endpoint: one port serving `POST /graphql` and the real-time WebSocket on
 * `/graphql/realtime`, over plain HTTP and TLS alike (aws-amplify v6 always opens `wss://`), and for browsers the
 * GraphQL IDE (`ide/`) at `GET /graphql`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { invokeLambda } from '../lambda/invoke.js';
import type { AuthConfig } from './auth/types.js';
import { createAuthenticator } from './auth/index.js';
import { createDynamoDbDataSource, createLambdaDataSource, createNoneDataSource } from './datasources/index.js';
import type { DataSource } from './datasources/types.js';
import type { DataSourceDefinition, GraphqlApiDefinition } from './description.js';
import { GraphqlEngine } from './engine/engine.js';
import { loadApi } from './engine/load.js';
import { createGraphqlHttpHandler } from './http.js';
import { attachRealtime, REALTIME_PATH_SUFFIX } from './realtime/index.js';
import { AppSyncJsRuntime } from './runtime/index.js';
import { ensureLocalCertificates, listenHttpAndHttps } from './tls/index.js';
import { createIdeHandler, type IdeUserPool } from './ide/index.js';
import type { LocalLogger } from '../logging/logger.js';

const GRAPHQL_PATH = '/graphql';

export interface LocalAppSyncOptions {
  readonly definition: GraphqlApiDefinition;
  /** Directory the description's paths are relative to. */
  readonly rootDir: string;
  /** Client of the DynamoDB that DynamoDB data sources use; tables are named as in the description. */
  readonly dynamodb: DynamoDBClient;
  /** Credentials and keys of the enabled auth modes; the modes themselves come from the description. */
  readonly auth: Omit<AuthConfig, 'modes'>;
  /** Where the local CA and server certificate are kept (created on first use). */
  readonly tlsDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Real-time keep-alive interval. @default 60000 */
  readonly keepAliveIntervalMs?: number;
  /**
   * The GraphQL IDE a browser gets at `GET /graphql` (and `/`): the user pool its sign-in box uses, and where its
   * bundle is cached (built at first use). @default no sign-in box; `<rootDir>/node_modules/.cache/wavechat/ide`
   */
  readonly ide?: { readonly userPool?: IdeUserPool; readonly cacheDir?: string };
  /** One line per HTTP request and real-time connect/start/stop/disconnect; deliveries at debug. @default silent */
  readonly logger?: LocalLogger;
}

export interface LocalAppSync {
  /** e.g. http://127.0.0.1:4000/graphql (https:// works on the same port) */
  readonly graphqlUrl: string;
  /** e.g. wss://127.0.0.1:4000/graphql/realtime (ws:// works too) */
  readonly realtimeUrl: string;
  readonly port: number;
  /** The local CA that signed the endpoint's certificate: trust it to use https:// and wss://. */
  readonly caFile: string;
  readonly caCertPem: string;
  readonly engine: GraphqlEngine;
  close(): Promise<void>;
}

/**
 * @example
 * ```ts
 * const appsync = await startLocalAppSync({ definition: chatApi, rootDir, dynamodb, auth, tlsDir });
 * console.log(appsync.graphqlUrl);
 * ```
 */
export async function startLocalAppSync(options: LocalAppSyncOptions): Promise<LocalAppSync> {
  const { definition } = options;
  const runtime = new AppSyncJsRuntime();
  const api = await loadApi(definition, options.rootDir, runtime);
  const dataSources = new Map<string, DataSource>();
  for (const d of definition.dataSources) dataSources.set(d.name, await createDataSource(d, options));
  const engine = new GraphqlEngine({ api, runtime, dataSources, env: resolveEnvironment(definition) });
  const authenticator = createAuthenticator({
    ...options.auth,
    modes: [definition.authorization.defaultMode, ...(definition.authorization.additionalModes ?? [])],
  });
  const handleHttp = createGraphqlHttpHandler({ path: GRAPHQL_PATH, engine, authenticator, logger: options.logger });
  const handleIde = createIdeHandler({
    config: {
      apiName: definition.name,
      graphqlPath: GRAPHQL_PATH,
      realtimePath: GRAPHQL_PATH + REALTIME_PATH_SUFFIX,
      userPool: options.ide?.userPool ?? null,
    },
    cacheDir: options.ide?.cacheDir ?? path.join(options.rootDir, 'node_modules', '.cache', 'wavechat', 'ide'),
    logger: options.logger,
  });
  const realtime = attachRealtime({
    graphqlPath: GRAPHQL_PATH,
    keepAliveIntervalMs: options.keepAliveIntervalMs,
    logger: options.logger,
    backend: {
      authenticate: (request) => authenticator.authenticate(request),
      start: (start) => engine.startSubscription(start),
      stop: (connectionId, subscriptionId) => engine.stopSubscription(connectionId, subscriptionId),
      disconnect: (connectionId) => engine.disconnect(connectionId),
    },
  });
  const host = options.host ?? '127.0.0.1';
  const certificates = await ensureLocalCertificates(options.tlsDir);
  const listener = await listenHttpAndHttps({
    host,
    port: options.port ?? 0,
    tls: { certPem: certificates.certPem, keyPem: certificates.keyPem },
    onRequest: (req, res) => {
      if (!handleIde(req, res) && !handleHttp(req, res)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not found' }));
      }
    },
    onUpgrade: (req, socket, head) => {
      if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
    },
  });
  const authority = `${host.includes(':') ? `[${host}]` : host}:${listener.port}`;
  return {
    graphqlUrl: `http://${authority}${GRAPHQL_PATH}`,
    realtimeUrl: `wss://${authority}${GRAPHQL_PATH}${REALTIME_PATH_SUFFIX}`,
    port: listener.port,
    caFile: certificates.caFile,
    caCertPem: certificates.caCertPem,
    engine,
    close: async () => {
      realtime.close();
      await listener.close();
    },
  };
}

async function createDataSource(definition: DataSourceDefinition, options: LocalAppSyncOptions): Promise<DataSource> {
  switch (definition.type) {
    case 'AMAZON_DYNAMODB':
      return createDynamoDbDataSource({ client: options.dynamodb, tableName: definition.table.name });
    case 'NONE':
      return createNoneDataSource();
    case 'AWS_LAMBDA': {
      const module = (await import(pathToFileURL(path.resolve(options.rootDir, definition.handler)).href)) as {
        handler: (event: unknown, context: unknown) => unknown;
      };
      return createLambdaDataSource({
        functionName: definition.name,
        invoke: (event) => invokeLambda(module.handler, event, { functionName: definition.name }),
      });
    }
  }
}

/** `ctx.env`: table references become the local table names, which equal the logical names. */
function resolveEnvironment(definition: GraphqlApiDefinition): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(definition.environmentVariables ?? {})) {
    env[name] = typeof value === 'string' ? value : value.tableName;
  }
  return env;
}
