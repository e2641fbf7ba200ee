/**
 * The local cloud: DynamoDB Local, cognito-local, the local AppSync, and — when the app describes them — Lambda
 * functions, an API Gateway WebSocket API and DynamoDB stream consumers, composed from the app description.
 * Knows AWS, not chat: the description says what to run. `npm start` and the end-to-end tests both use it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_ACCOUNT_ID } from './account.js';
import type { IamPrincipal } from './appsync/auth/types.js';
import type { GraphqlApiDefinition, TableDefinition } from './appsync/description.js';
import { startLocalAppSync, type LocalAppSync } from './appsync/server.js';
import type { WebSocketApiDefinition } from './apigateway-websocket/description.js';
import {
  startWebSocketGateway,
  type ConnectionsThrottleOptions,
  type WebSocketGateway,
} from './apigateway-websocket/index.js';
import { provisionUserPool, startCognitoLocal, type UserPoolInfo } from './cognito/index.js';
import {
  createDynamoDbClient,
  createTables,
  LOCAL_REGION,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from './dynamodb/index.js';
import { dynamoDbLocalPaths } from './dynamodb/emulator-location.mjs';
import type { StreamConsumerDefinition } from './dynamodb-streams/description.js';
import { startStreamPoller, type StreamPoller } from './dynamodb-streams/index.js';
import { startLocalEventBridge, type LocalEventBridge } from './eventbridge/index.js';
import type { AppOutput, EnvironmentValue, LambdaFunctionDefinition } from './lambda/description.js';
import { startLambdaRuntime, type LambdaRuntime } from './lambda/runtime.js';
import { DynamoDbLocalFetchError } from './errors.js';
import { silentLogger, type LocalLogger } from './logging/logger.js';
import { silentProgress, type Progress } from './logging/progress.js';


/**
 * The IAM principal backend code signs with locally (AWS gives Lambdas role credentials instead). Not a secret:
 * it opens nothing but the local cloud.
 */
export const LOCAL_BACKEND_PRINCIPAL: IamPrincipal = {
  accessKeyId: 'AKIAWAVECHATLOCAL000',
  secretAccessKey: 'wavechat-local-backend-secret',
  accountId: LOCAL_ACCOUNT_ID,
  userArn: 'arn:aws:sts::000000000000:assumed-role/wavechat-backend/local',
  username: 'AROAWAVECHATLOCAL000:local',
};

export interface LocalCloudOptions {
  readonly api: GraphqlApiDefinition;
  /** Lambda functions the WebSocket API and stream consumers name. @default [] */
  readonly functions?: readonly LambdaFunctionDefinition[];
  /** An API Gateway WebSocket API, its routes integrated with `functions`. */
  readonly webSocketApi?: WebSocketApiDefinition;
  /** DynamoDB stream → Lambda mappings. @default [] */
  readonly streamConsumers?: readonly StreamConsumerDefinition[];
  /** Where Lambda functions' log lines go. @default `logger` at debug when given, else standard error */
  readonly lambdaLog?: (functionName: string, line: string) => void;
  /** Failed stream deliveries (they are retried), for logs. @default `logger` at warn if given, else standard error */
  readonly onStreamError?: (error: unknown) => void;
  /**
   * Request logs of every service (each line tagged with its `service`): AppSync HTTP and real-time, the WebSocket
   * gateway, Lambda invocations, stream batches. @default silent
   */
  readonly logger?: LocalLogger;
  /** Start-up steps (fetching DynamoDB Local when missing, starting each service). @default silent */
  readonly progress?: Progress;
  /** Directory the description's paths are relative to. */
  readonly rootDir: string;
  /**
   * Where data is kept across restarts (DynamoDB data, users, TLS certificates). Absent: everything is
   * in memory or in a temporary directory removed by `stop()`.
   */
  readonly stateDir?: string;
  /** Fixed ports; absent or 0 means any free port. */
  readonly ports?: {
    readonly appsync?: number;
    readonly cognito?: number;
    readonly dynamodb?: number;
    readonly websocket?: number;
  };
  /** Real-time keep-alive interval. @default 60000 */
  readonly keepAliveIntervalMs?: number;
  /**
   * Throttles the WebSocket API's `@connections` calls (429 LimitExceededException beyond the rate), as AWS's
   * account-level API Gateway throttle does. @default no throttle
   */
  readonly connectionsThrottle?: ConnectionsThrottleOptions;
}

export interface LocalCloud {
  readonly appsync: LocalAppSync;
  /** Present when the app describes a WebSocket API. */
  readonly webSocket: WebSocketGateway | null;
  /** Runs the app's Lambda functions (invoke one directly in tests). */
  readonly lambdas: LambdaRuntime | null;
  /** One per stream consumer; `drain()` waits until the stream is delivered. */
  readonly streamPollers: readonly StreamPoller[];
  /** The app's EventBridge bus (`eventBusName`), present when the app has functions: what was published on it. */
  readonly eventBus: LocalEventBus | null;
  /** The DynamoDB Local process (`restart()` it after a crash; the endpoint stays the same). */
  readonly dynamodb: DynamoDbLocal;
  readonly dynamodbEndpoint: string;
  readonly cognitoEndpoint: string;
  readonly userPool: UserPoolInfo;
  readonly backendPrincipal: IamPrincipal;
  /** What `amplify_outputs.json` holds for this cloud. */
  readonly outputs: AmplifyOutputs;
  stop(): Promise<void>;
}

/** The local EventBridge endpoint and the name of the app's bus on it. */
export interface LocalEventBus {
  readonly name: string;
  readonly eventBridge: LocalEventBridge;
}

/** The subset of Amplify Gen 2's `amplify_outputs.json` an app needs, plus local extras under `custom`. */
export interface AmplifyOutputs {
  readonly version: '1.3';
  readonly auth: {
    readonly aws_region: string;
    readonly user_pool_id: string;
    readonly user_pool_client_id: string;
    readonly username_attributes: readonly ['email'];
    readonly standard_required_attributes: readonly ['email'];
    readonly user_verification_types: readonly ['email'];
    readonly password_policy: {
      readonly min_length: number;
      readonly require_lowercase: boolean;
      readonly require_numbers: boolean;
      readonly require_symbols: boolean;
      readonly require_uppercase: boolean;
    };
  };
  readonly data: {
    readonly aws_region: string;
    readonly url: string;
    readonly default_authorization_type: string;
    readonly authorization_types: readonly string[];
  };
  readonly custom: {
    readonly wavechat: {
      /** Local only: the user-pool endpoint to pass as `Auth.Cognito.userPoolEndpoint`. */
      readonly userPoolEndpoint?: string;
      /** Local only: the CA to trust for https:// and wss:// to the local endpoints. */
      readonly caFile?: string;
      readonly realtimeUrl: string;
      /** The raw WebSocket API (wss://… on AWS, ws://… locally). */
      readonly webSocketUrl?: string;
    };
  };
}

/**
 * Starts the local cloud for an API description.
 *
 * @example
 * ```ts
 * const cloud = await startLocalCloud({ api: chatApi, rootDir: process.cwd(), stateDir: '.wavechat' });
 * console.log(cloud.appsync.graphqlUrl);
 * await cloud.stop();
 * ```
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const ephemeralDir = options.stateDir ? null : await mkdtemp(path.join(tmpdir(), 'wavechat-'));
  const stateDir = options.stateDir ?? (ephemeralDir as string);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    if (ephemeralDir) await rm(ephemeralDir, { recursive: true, force: true });
  };
  const progress = options.progress ?? silentProgress;
  const logger = options.logger ?? silentLogger;
  try {
    const dynamoDataDir = options.stateDir ? path.join(stateDir, 'dynamodb') : undefined;
    if (dynamoDataDir) await mkdir(dynamoDataDir, { recursive: true });
    const cognitoDir = path.join(stateDir, 'cognito');
    await mkdir(cognitoDir, { recursive: true });

    // Both settle before going on, so a failure of one never leaves the other starting after `stop()` ran.
    const [dynamodbStart, cognitoStart] = await Promise.allSettled([
      (async () => {
        if (!existsSync(dynamoDbLocalPaths().jarPath)) {
          await progress.step('Fetching DynamoDB Local into the cache (first run only)', fetchDynamoDbLocal);
        }
        const started = await progress.step('Starting DynamoDB Local', () =>
          startDynamoDbLocal({ port: options.ports?.dynamodb, dataDir: dynamoDataDir }),
        );
        stops.push(() => started.stop());
        return started;
      })(),
      progress.step('Starting cognito-local', async () => {
        const started = await startCognitoLocal({ port: options.ports?.cognito, dataDir: cognitoDir });
        stops.push(() => started.stop());
        return started;
      }),
    ]);
    if (dynamodbStart.status === 'rejected') throw dynamodbStart.reason;
    if (cognitoStart.status === 'rejected') throw cognitoStart.reason;
    const [dynamodb, cognito] = [dynamodbStart.value, cognitoStart.value];

    const client = createDynamoDbClient(dynamodb.endpoint);
    stops.push(async () => client.destroy());
    const [userPool] = await progress.step('Creating the user pool and tables', () =>
      Promise.all([
        provisionUserPool(cognito.endpoint, { poolName: options.api.name, clientName: `${options.api.name}-app` }),
        createTables(client, tablesOf(options.api)),
      ]),
    );

    const appsync = await progress.step('Starting AppSync (resolvers, TLS)', () =>
      startLocalAppSync({
        definition: options.api,
        rootDir: options.rootDir,
        dynamodb: client,
        tlsDir: path.join(stateDir, 'tls'),
        port: options.ports?.appsync,
        keepAliveIntervalMs: options.keepAliveIntervalMs,
        auth: {
          userPool: { issuer: userPool.issuer, jwksUri: userPool.jwksUri, clientIds: [userPool.userPoolClientId] },
          iam: { region: LOCAL_REGION, principals: [LOCAL_BACKEND_PRINCIPAL] },
        },
        ide: { userPool: { endpoint: cognito.endpoint, clientId: userPool.userPoolClientId } },
        logger: options.logger?.child({ service: 'appsync' }),
      }),
    );
    stops.push(() => appsync.close());

    const backend = await startBackend(options, logger, progress, {
      graphqlUrl: appsync.graphqlUrl,
      dynamodbEndpoint: dynamodb.endpoint,
      userPool,
    });
    stops.push(() => backend.stop());

    const authorization = options.api.authorization;
    const outputs: AmplifyOutputs = {
      version: '1.3',
      auth: {
        aws_region: LOCAL_REGION,
        user_pool_id: userPool.userPoolId,
        user_pool_client_id: userPool.userPoolClientId,
        username_attributes: ['email'],
        standard_required_attributes: ['email'],
        user_verification_types: ['email'],
        password_policy: {
          min_length: 8,
          require_lowercase: false,
          require_numbers: false,
          require_symbols: false,
          require_uppercase: false,
        },
      },
      data: {
        aws_region: LOCAL_REGION,
        url: appsync.graphqlUrl,
        default_authorization_type: authorization.defaultMode,
        authorization_types: [...(authorization.additionalModes ?? [])],
      },
      custom: {
        wavechat: {
          userPoolEndpoint: cognito.endpoint,
          caFile: appsync.caFile,
          realtimeUrl: appsync.realtimeUrl,
          ...(backend.webSocket ? { webSocketUrl: backend.webSocket.url } : {}),
        },
      },
    };
    return {
      appsync,
      webSocket: backend.webSocket,
      lambdas: backend.lambdas,
      streamPollers: backend.streamPollers,
      eventBus: backend.eventBus,
      dynamodb,
      dynamodbEndpoint: dynamodb.endpoint,
      cognitoEndpoint: cognito.endpoint,
      userPool,
      backendPrincipal: LOCAL_BACKEND_PRINCIPAL,
      outputs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs `local/dynamodb/install.mjs` (npm's postinstall step) for a cache that lacks DynamoDB Local. */
function fetchDynamoDbLocal(): Promise<void> {
  const script = fileURLToPath(new URL('./dynamodb/install.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => reject(new DynamoDbLocalFetchError(error.message)));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new DynamoDbLocalFetchError(output))));
  });
}

/** Every table the API's data sources use, once each. */
function tablesOf(api: GraphqlApiDefinition): TableDefinition[] {
  const tables = new Map<string, TableDefinition>();
  for (const d of api.dataSources) if (d.type === 'AMAZON_DYNAMODB') tables.set(d.table.name, d.table);
  return [...tables.values()];
}

interface Backend {
  readonly webSocket: WebSocketGateway | null;
  readonly lambdas: LambdaRuntime | null;
  readonly streamPollers: readonly StreamPoller[];
  readonly eventBus: LocalEventBus | null;
  stop(): Promise<void>;
}

/**
 * The Lambda side of the app: functions in worker threads, the WebSocket gateway invoking them, and stream pollers.
 * Functions reach the local services through the SDK's standard endpoint variables and the backend principal's
 * credentials, so their code is exactly what runs on AWS.
 */
async function startBackend(
  options: LocalCloudOptions,
  logger: LocalLogger,
  progress: Progress,
  services: { graphqlUrl: string; dynamodbEndpoint: string; userPool: UserPoolInfo },
): Promise<Backend> {
  const functions = options.functions ?? [];
  if (functions.length === 0) {
    return { webSocket: null, lambdas: null, streamPollers: [], eventBus: null, stop: async () => undefined };
  }

  let lambdas: LambdaRuntime | undefined;
  const invoke = (name: string, event: unknown): Promise<unknown> => {
    if (!lambdas) return Promise.reject(new Error(`Lambda function ${name} invoked before the runtime started`));
    return lambdas.invoke(name, event);
  };
  // The bus and the gateway first: functions need their addresses in their environment.
  const eventBusName = `${options.api.name}-events`;
  const eventBridge = await startLocalEventBridge({ buses: [eventBusName], region: LOCAL_REGION });
  let webSocket: WebSocketGateway | null;
  try {
    const webSocketApi = options.webSocketApi;
    webSocket = webSocketApi
      ? await progress.step('Starting the WebSocket gateway', () =>
          startWebSocketGateway({
            definition: webSocketApi,
            invoke,
            port: options.ports?.websocket,
            region: LOCAL_REGION,
            connectionsThrottle: options.connectionsThrottle,
            logger: options.logger?.child({ service: 'websocket' }),
          }),
        )
      : null;
  } catch (error) {
    await eventBridge.close();
    throw error;
  }
  const outputs: Record<AppOutput, string> = {
    graphqlUrl: services.graphqlUrl,
    websocketManagementUrl: webSocket?.managementUrl ?? '',
    userPoolId: services.userPool.userPoolId,
    userPoolClientId: services.userPool.userPoolClientId,
    userPoolIssuer: services.userPool.issuer,
    eventBusName,
  };
  const lambdaLogger = logger.child({ service: 'lambda' });
  try {
    lambdas = await progress.step(`Bundling ${functions.length} Lambda functions`, () => startLambdaRuntime({
      functions,
      rootDir: options.rootDir,
      region: LOCAL_REGION,
      resolveEnvironment: (value: Exclude<EnvironmentValue, string>) =>
        'tableName' in value ? value.tableName : outputs[value.output],
      baseEnvironment: {
        AWS_ACCESS_KEY_ID: LOCAL_BACKEND_PRINCIPAL.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_BACKEND_PRINCIPAL.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: services.dynamodbEndpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // No X-Ray daemon locally: Powertools Tracer would report every missing segment.
        POWERTOOLS_TRACE_ENABLED: 'false',
      },
      log:
        options.lambdaLog ??
        (options.logger
          ? (functionName, line) => lambdaLogger.debug({ functionName }, `[${functionName}] ${line}`)
          : undefined),
      logger: options.logger ? lambdaLogger : undefined,
    }));
  } catch (error) {
    await webSocket?.close();
    await eventBridge.close();
    throw error;
  }
  const started: LambdaRuntime = lambdas;
  const streamPollers: StreamPoller[] = [];
  const streamLogger = logger.child({ service: 'streams' });
  const onStreamError =
    options.onStreamError ??
    (options.logger
      ? (error: unknown) => streamLogger.warn({ err: error }, 'stream delivery failed (retried)')
      : undefined);
  try {
    for (const consumer of options.streamConsumers ?? []) {
      streamPollers.push(
        await progress.step(`Starting the stream poller for ${consumer.function}`, () =>
          startStreamPoller({
            endpoint: services.dynamodbEndpoint,
            tableName: consumer.table,
            consumer,
            region: LOCAL_REGION,
            invoke: (event) => started.invoke(consumer.function, event),
            onError: onStreamError,
            logger: options.logger ? streamLogger : undefined,
          }),
        ),
      );
    }
  } catch (error) {
    await Promise.all(streamPollers.map((p) => p.stop()));
    await webSocket?.close();
    await started.close();
    await eventBridge.close();
    throw error;
  }
  return {
    webSocket,
    lambdas: started,
    streamPollers,
    eventBus: { name: eventBusName, eventBridge },
    stop: async () => {
      await Promise.all(streamPollers.map((p) => p.stop()));
      await webSocket?.close();
      await started.close();
      await eventBridge.close();
    },
  };
}
