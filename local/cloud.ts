/**
 * The local cloud: DynamoDB Local, cognito-local, the local AppSync, and — when the app describes them — Lambda
 * functions, an API Gateway WebSocket API and DynamoDB stream consumers, composed from the app description.
 * Knows AWS, not chat: the description says what to run. `npm start` and the end-to-end tests both use it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID } from './account.js';
import type { IamPrincipal } from './appsync/auth/types.js';
import type { GraphqlApiDefinition, TableDefinition } from './appsync/description.js';
import { startLocalAppSync, type LocalAppSync } from './appsync/server.js';
import type { WebSocketApiDefinition } from './apigateway-websocket/description.js';
import { startWebSocketGateway, type WebSocketGateway } from './apigateway-websocket/index.js';
import { provisionUserPool, startCognitoLocal, type UserPoolInfo } from './cognito/index.js';
import { createDynamoDbClient, createTables, LOCAL_REGION, startDynamoDbLocal } from './dynamodb/index.js';
import type { StreamConsumerDefinition } from './dynamodb-streams/description.js';
import { startStreamPoller, type StreamPoller } from './dynamodb-streams/index.js';
import { startLocalEventBridge, type LocalEventBridge } from './eventbridge/index.js';
import type { AppOutput, EnvironmentValue, LambdaFunctionDefinition } from './lambda/description.js';
import { startLambdaRuntime, type LambdaRuntime } from './lambda/runtime.js';


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
  /** Where Lambda functions' log lines go. @default standard error */
  readonly lambdaLog?: (functionName: string, line: string) => void;
  /** Failed stream deliveries (they are retried), for logs. @default standard error */
  readonly onStreamError?: (error: unknown) => void;
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
  try {
    const dynamoDataDir = options.stateDir ? path.join(stateDir, 'dynamodb') : undefined;
    if (dynamoDataDir) await mkdir(dynamoDataDir, { recursive: true });
    const cognitoDir = path.join(stateDir, 'cognito');
    await mkdir(cognitoDir, { recursive: true });

    const [dynamodb, cognito] = await Promise.all([
      startDynamoDbLocal({ port: options.ports?.dynamodb, dataDir: dynamoDataDir }),
      startCognitoLocal({ port: options.ports?.cognito, dataDir: cognitoDir }),
    ]);
    stops.push(() => dynamodb.stop(), () => cognito.stop());

    const client = createDynamoDbClient(dynamodb.endpoint);
    stops.push(async () => client.destroy());
    const [userPool] = await Promise.all([
      provisionUserPool(cognito.endpoint, { poolName: options.api.name, clientName: `${options.api.name}-app` }),
      createTables(client, tablesOf(options.api)),
    ]);

    const appsync = await startLocalAppSync({
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
    });
    stops.push(() => appsync.close());

    const backend = await startBackend(options, {
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
    webSocket = options.webSocketApi
      ? await startWebSocketGateway({
          definition: options.webSocketApi,
          invoke,
          port: options.ports?.websocket,
          region: LOCAL_REGION,
        })
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
  try {
    lambdas = await startLambdaRuntime({
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
      log: options.lambdaLog,
    });
  } catch (error) {
    await webSocket?.close();
    await eventBridge.close();
    throw error;
  }
  const started: LambdaRuntime = lambdas;
  const streamPollers: StreamPoller[] = [];
  try {
    for (const consumer of options.streamConsumers ?? []) {
      streamPollers.push(
        await startStreamPoller({
          endpoint: services.dynamodbEndpoint,
          tableName: consumer.table,
          consumer,
          region: LOCAL_REGION,
          invoke: (event) => started.invoke(consumer.function, event),
          onError: options.onStreamError,
        }),
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
