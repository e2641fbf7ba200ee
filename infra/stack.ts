/**
 * The wavechat stack: every construct of infra/ composed from the one app description (resolvers/api.ts and, for
 * the Lambda side, lambdas/app.ts) that the local cloud also runs.
 */
import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { GraphqlApiDefinition, TableDefinition } from '../local/appsync/description.js';
import type { WebSocketApiDefinition } from '../local/apigateway-websocket/description.js';
import type { StreamConsumerDefinition } from '../local/dynamodb-streams/description.js';
import type { LambdaFunctionDefinition } from '../local/lambda/description.js';
import { compileApiCode, type CompiledApiCode } from './compile.js';
import { ChatAuth, type ChatAuthProps } from './constructs/auth.js';
import { ChatTables, type ChatTablesProps } from './constructs/data.js';
import { ChatEvents } from './constructs/events.js';
import { ChatFunctions, type ChatFunctionsProps, type PowertoolsSettings } from './constructs/functions.js';
import { ChatGraphqlApi, type ChatGraphqlApiProps } from './constructs/graphql-api.js';
import { ChatObservability, type ChatObservabilityProps } from './constructs/observability.js';
import { ChatStreamConsumers } from './constructs/stream-consumers.js';
import { ChatWeb, type ChatWebProps } from './constructs/web.js';
import { ChatWebSocketApi, type ChatWebSocketApiProps } from './constructs/websocket-api.js';
import { DuplicateNameError } from './errors.js';
import { STACK_OUTPUTS, type GraphqlAuthorizationOutput } from './outputs.js';
import { bindFunctionReferences } from './references.js';

/**
 * The app as its description modules export it, so `import * as` of those modules fits: only `chatApi` is
 * required; without the Lambda side the stack has no functions, WebSocket API or stream consumers.
 */
export interface ChatAppDescription {
  readonly chatApi: GraphqlApiDefinition;
  readonly chatFunctions?: readonly LambdaFunctionDefinition[];
  readonly chatWebSocketApi?: WebSocketApiDefinition;
  readonly chatStreamConsumers?: readonly StreamConsumerDefinition[];
}

/**
 * Sign-in knobs: those of {@link ChatAuthProps} except the pool name, with stack defaults for the two it requires:
 * `domainPrefix` defaults to `<stack name in lower case>-<account id>`, `callbackUrls` to the web client's URL when
 * it is deployed, else Vite's dev server `http://localhost:5173/`.
 */
export type ChatAuthOptions = Partial<Omit<ChatAuthProps, 'name'>>;

export interface ChatStackProps extends StackProps {
  /** What to deploy: the app description (`import * as description from './app-description.js'`). */
  readonly app: ChatAppDescription;
  /** The description's resolver code, compiled ({@link createChatStack} does this). */
  readonly apiCode: CompiledApiCode;
  /** The repository root: the description's paths are relative to it. */
  readonly rootDir: string;
  /** Hosted domain, redirect URLs, password policy, MFA, Plus plan, token lifetimes, groups. */
  readonly auth?: ChatAuthOptions;
  /** Billing (on-demand or auto-scaled provisioned), encryption key, deletion protection, PITR window. */
  readonly data?: Omit<ChatTablesProps, 'tables'>;
  /** Memory, reserved and provisioned concurrency (all or by function), log retention, runtime, Powertools. */
  readonly functions?: Omit<ChatFunctionsProps, 'definitions' | 'rootDir' | 'powertools'> & {
    /** @default service name and metrics namespace = the API's name, log level INFO */
    readonly powertools?: Partial<PowertoolsSettings>;
  };
  /** Field log level, verbosity and retention of the GraphQL API's logs. */
  readonly graphql?: Pick<ChatGraphqlApiProps, 'fieldLogLevel' | 'verboseLogs' | 'logRetention'>;
  /** Stage throttling and access logs of the WebSocket API. */
  readonly webSocket?: Pick<ChatWebSocketApiProps, 'throttle' | 'accessLogs' | 'logRetention'>;
  /** The web client's build; absent: no bucket or distribution. */
  readonly web?: ChatWebProps;
  /** Who is e-mailed about alarms, and the alarm thresholds. */
  readonly observability?: Pick<ChatObservabilityProps, 'alarmEmail' | 'thresholds'>;
}

/**
 * Sign-in, tables, the event bus, the Lambda functions, the GraphQL and WebSocket APIs, stream consumers, the web
 * client (when built) and monitoring, wired together: each function's environment references become values and
 * grants (`bindFunctionReferences`). Build it with {@link createChatStack}, which compiles the resolver code first.
 *
 * @example
 * ```ts
 * const app = new App();
 * const stack = await createChatStack(app, 'Wavechat', { app: { chatApi }, rootDir });
 * ```
 */
export class ChatStack extends Stack {
  readonly auth: ChatAuth;
  readonly data: ChatTables;
  readonly events: ChatEvents;
  readonly functions: ChatFunctions;
  readonly graphql: ChatGraphqlApi;
  readonly webSocket?: ChatWebSocketApi;
  readonly streamConsumers: ChatStreamConsumers;
  readonly web?: ChatWeb;
  readonly observability: ChatObservability;

  constructor(scope: Construct, id: string, props: ChatStackProps) {
    super(scope, id, props);
    const { chatApi } = props.app;

    this.web = props.web && new ChatWeb(this, 'Web', props.web);

    this.auth = new ChatAuth(this, 'Auth', {
      ...props.auth,
      name: chatApi.name,
      domainPrefix: props.auth?.domainPrefix ?? `${this.stackName.toLowerCase()}-${Aws.ACCOUNT_ID}`,
      callbackUrls: props.auth?.callbackUrls ?? [this.web ? `${this.web.url}/` : 'http://localhost:5173/'],
    });

    this.data = new ChatTables(this, 'Data', { ...props.data, tables: tablesOf(chatApi) });
    const tableNamed = (name: string, usedBy: string) => this.data.table(name, usedBy);

    this.events = new ChatEvents(this, 'Events');

    // AWS_LAMBDA data sources are functions like any other; they get the function knobs and alarms too.
    const lambdaDataSources = chatApi.dataSources.flatMap((source) =>
      source.type === 'AWS_LAMBDA' ? [{ name: source.name, entry: source.handler }] : [],
    );
    const definitions = [...(props.app.chatFunctions ?? []), ...lambdaDataSources];
    const functionNames = new Set<string>();
    for (const { name } of definitions) {
      if (functionNames.has(name)) throw new DuplicateNameError('function or Lambda data source', name);
      functionNames.add(name);
    }
    this.functions = new ChatFunctions(this, 'Functions', {
      ...props.functions,
      definitions,
      rootDir: props.rootDir,
      powertools: {
        serviceName: chatApi.name,
        metricsNamespace: chatApi.name,
        ...props.functions?.powertools,
      },
    });
    const functionNamed = (name: string, usedBy: string) => this.functions.get(name, usedBy).alias;

    this.graphql = new ChatGraphqlApi(this, 'GraphqlApi', {
      ...props.graphql,
      definition: chatApi,
      code: props.apiCode,
      rootDir: props.rootDir,
      tables: this.data.tables,
      userPool: this.auth.userPool,
      lambdaDataSources: new Map(
        lambdaDataSources.map(({ name }) => [name, functionNamed(name, `data source ${name}`)]),
      ),
    });

    this.webSocket =
      props.app.chatWebSocketApi &&
      new ChatWebSocketApi(this, 'WebSocketApi', {
        ...props.webSocket,
        definition: props.app.chatWebSocketApi,
        functionNamed,
      });

    bindFunctionReferences(this.functions.functions.values(), {
      tableNamed,
      auth: this.auth,
      graphql: this.graphql,
      eventBus: this.events.bus,
      webSocket: this.webSocket,
    });

    this.streamConsumers = new ChatStreamConsumers(this, 'StreamConsumers', {
      consumers: props.app.chatStreamConsumers ?? [],
      tableNamed,
      functionNamed,
    });

    this.observability = new ChatObservability(this, 'Observability', {
      ...props.observability,
      dashboardName: `${this.stackName}-${Aws.REGION}`,
      graphqlApiId: this.graphql.api.apiId,
      functions: [...this.functions.functions.values()],
      tables: this.data.tables,
      streamConsumers: this.streamConsumers.consumers.map((consumer) => ({
        function: this.functions.get(consumer.definition.function),
        onFailureQueue: consumer.onFailureQueue,
      })),
      webSocket: this.webSocket && { apiId: this.webSocket.api.apiId, stageName: this.webSocket.stage.stageName },
    });

    this.addOutputs(chatApi);
  }

  private addOutputs(chatApi: GraphqlApiDefinition): void {
    const output = (key: string, value: string, description: string) => new CfnOutput(this, key, { value, description });
    const policy = this.auth.passwordPolicy;
    const authorization: GraphqlAuthorizationOutput = {
      default: chatApi.authorization.defaultMode,
      additional: [...(chatApi.authorization.additionalModes ?? [])],
    };
    output(STACK_OUTPUTS.region, this.region, 'Region of every endpoint');
    output(STACK_OUTPUTS.userPoolId, this.auth.userPool.userPoolId, 'Cognito user pool');
    output(STACK_OUTPUTS.userPoolClientId, this.auth.userPoolClient.userPoolClientId, 'Cognito app client');
    output(
      STACK_OUTPUTS.passwordPolicy,
      JSON.stringify({
        min_length: policy.minLength,
        require_lowercase: policy.requireLowercase,
        require_numbers: policy.requireDigits,
        require_symbols: policy.requireSymbols,
        require_uppercase: policy.requireUppercase,
      }),
      'Password policy (amplify_outputs.json shape)',
    );
    output(STACK_OUTPUTS.hostedUiUrl, this.auth.domain.baseUrl(), 'Hosted sign-in (OAuth 2) domain');
    output(STACK_OUTPUTS.graphqlUrl, this.graphql.api.graphqlUrl, 'GraphQL endpoint');
    output(STACK_OUTPUTS.realtimeUrl, this.graphql.realtimeUrl, 'GraphQL real-time endpoint');
    output(STACK_OUTPUTS.graphqlAuthorization, JSON.stringify(authorization), 'GraphQL auth modes');
    output(STACK_OUTPUTS.eventBusName, this.events.bus.eventBusName, 'EventBridge bus of chat events');
    output(STACK_OUTPUTS.dashboardName, this.observability.dashboard.dashboardName, 'CloudWatch dashboard');
    if (this.webSocket) output(STACK_OUTPUTS.webSocketUrl, this.webSocket.url, 'Raw WebSocket endpoint');
    if (this.web) output(STACK_OUTPUTS.webUrl, this.web.url, 'Web client');
  }
}

/**
 * Compiles the API's resolver code (asynchronous, with the local cloud's compiler), then builds the stack.
 *
 * @example
 * ```ts
 * import * as description from '../app-description.js';
 * const app = new App();
 * await createChatStack(app, 'Wavechat', { app: description, rootDir });
 * ```
 */
export async function createChatStack(
  scope: Construct,
  id: string,
  props: Omit<ChatStackProps, 'apiCode'>,
): Promise<ChatStack> {
  const apiCode = await compileApiCode(props.app.chatApi, props.rootDir);
  return new ChatStack(scope, id, { ...props, apiCode });
}

/** Every table the API's data sources use, once each (as the local cloud creates them). */
function tablesOf(api: GraphqlApiDefinition): TableDefinition[] {
  const tables = new Map<string, TableDefinition>();
  for (const source of api.dataSources) if (source.type === 'AMAZON_DYNAMODB') tables.set(source.table.name, source.table);
  return [...tables.values()];
}
