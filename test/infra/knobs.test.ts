/**
 * Every knob of the constructs changes the template as its documentation says. The variants live side by side in
 * one stack (plus one whole stack with the web client), synthesised once, Lambda bundling skipped.
 */
import path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileApiCode } from '../../infra/compile.js';
import { ChatAuth } from '../../infra/constructs/auth.js';
import { ChatTables } from '../../infra/constructs/data.js';
import { ChatFunctions } from '../../infra/constructs/functions.js';
import { ChatGraphqlApi } from '../../infra/constructs/graphql-api.js';
import { ChatObservability } from '../../infra/constructs/observability.js';
import { ChatStreamConsumers } from '../../infra/constructs/stream-consumers.js';
import { ChatWeb } from '../../infra/constructs/web.js';
import { ChatWebSocketApi } from '../../infra/constructs/websocket-api.js';
import { createChatStack, type ChatStack } from '../../infra/stack.js';
import * as fixture from './fixtures/app.js';
import {
  acknowledgements,
  allowStatements,
  asArray,
  getAtt,
  logicalIdOf,
  ref,
  resourceOf,
  ROOT_DIR,
  testApp,
  unacknowledgedNagFindings,
} from './helpers.js';

const WEB_BUILD = path.join(ROOT_DIR, 'test/infra/fixtures/web');
const HANDLER = 'test/infra/fixtures/handlers/connect.ts';

let stack: Stack;
let template: Template;
let webStack: ChatStack;
let webTemplate: Template;
const built = {} as {
  onDemand: ChatTables;
  capped: ChatTables;
  provisioned: ChatTables;
  defaultAuth: ChatAuth;
  strictAuth: ChatAuth;
  noMfaAuth: ChatAuth;
  defaultFunctions: ChatFunctions;
  tunedFunctions: ChatFunctions;
  defaultApi: ChatGraphqlApi;
  verboseApi: ChatGraphqlApi;
  defaultWebSocket: ChatWebSocketApi;
  tunedWebSocket: ChatWebSocketApi;
  defaultConsumers: ChatStreamConsumers;
  defaultObservability: ChatObservability;
  tunedObservability: ChatObservability;
  web: ChatWeb;
  worldWeb: ChatWeb;
};

beforeAll(async () => {
  const app = testApp({ bundle: false });
  stack = new Stack(app, 'Knobs');
  const tables = [fixture.notesTable];
  built.onDemand = new ChatTables(stack, 'OnDemand', { tables });
  built.capped = new ChatTables(stack, 'Capped', {
    tables,
    billing: { mode: 'ON_DEMAND', maxReadRequestUnits: 1000, maxWriteRequestUnits: 500 },
    deletionProtection: false,
    pointInTimeRecoveryDays: 7,
  });
  built.provisioned = new ChatTables(stack, 'Provisioned', {
    tables,
    billing: { mode: 'PROVISIONED', read: { min: 5, max: 50 }, write: { min: 2, max: 20 }, targetUtilizationPercent: 60 },
    encryption: 'CUSTOMER_MANAGED',
  });

  built.defaultAuth = new ChatAuth(stack, 'DefaultAuth', {
    name: 'default',
    domainPrefix: 'knobs-default',
    callbackUrls: ['https://app.example.com/'],
  });
  built.strictAuth = new ChatAuth(stack, 'StrictAuth', {
    name: 'strict',
    domainPrefix: 'knobs-strict',
    callbackUrls: ['https://app.example.com/callback'],
    logoutUrls: ['https://app.example.com/bye'],
    mfa: 'REQUIRED',
    threatProtection: true,
    accessTokenValidity: Duration.minutes(15),
    idTokenValidity: Duration.minutes(30),
    refreshTokenValidity: Duration.days(7),
    groups: ['owners', 'staff', 'helpers'],
    passwordPolicy: { minLength: 16, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
  });
  built.noMfaAuth = new ChatAuth(stack, 'NoMfaAuth', {
    name: 'nomfa',
    domainPrefix: 'knobs-nomfa',
    callbackUrls: ['https://app.example.com/'],
    mfa: 'OFF',
  });

  const powertools = { serviceName: 'svc', metricsNamespace: 'ns' };
  built.defaultFunctions = new ChatFunctions(stack, 'DefaultFunctions', {
    definitions: [{ name: 'plain', entry: HANDLER }],
    rootDir: ROOT_DIR,
    powertools,
  });
  built.tunedFunctions = new ChatFunctions(stack, 'TunedFunctions', {
    definitions: [
      { name: 'capped', entry: HANDLER },
      { name: 'warm', entry: HANDLER, handler: 'main', timeoutSeconds: 30 },
    ],
    rootDir: ROOT_DIR,
    powertools: { ...powertools, logLevel: 'DEBUG' },
    capacity: { memorySizeMb: 1024, reservedConcurrency: 10 },
    capacityByFunction: { warm: { provisionedConcurrency: 2, reservedConcurrency: 20 } },
    logRetention: logs.RetentionDays.ONE_WEEK,
  });
  const plain = built.defaultFunctions.get('plain').alias;

  const code = await compileApiCode(fixture.chatApi, ROOT_DIR);
  const apiProps = {
    definition: fixture.chatApi,
    code,
    rootDir: ROOT_DIR,
    tables: built.onDemand.tables,
    userPool: built.defaultAuth.userPool,
    lambdaDataSources: new Map([['Echo', plain]]),
  };
  built.defaultApi = new ChatGraphqlApi(stack, 'DefaultApi', apiProps);
  built.verboseApi = new ChatGraphqlApi(stack, 'VerboseApi', {
    ...apiProps,
    fieldLogLevel: appsync.FieldLogLevel.ALL,
    verboseLogs: true,
    logRetention: logs.RetentionDays.ONE_YEAR,
  });

  const webSocketProps = { definition: fixture.chatWebSocketApi, functionNamed: () => plain };
  built.defaultWebSocket = new ChatWebSocketApi(stack, 'DefaultWebSocket', webSocketProps);
  built.tunedWebSocket = new ChatWebSocketApi(stack, 'TunedWebSocket', {
    ...webSocketProps,
    definition: { ...fixture.chatWebSocketApi, stageName: undefined, routeSelectionExpression: '$request.body.type' },
    throttle: { rateLimit: 50, burstLimit: 100 },
    accessLogs: true,
    logRetention: logs.RetentionDays.TWO_WEEKS,
  });

  built.defaultConsumers = new ChatStreamConsumers(stack, 'DefaultConsumers', {
    consumers: [{ table: 'Notes', function: 'plain' }],
    tableNamed: (name) => built.onDemand.table(name),
    functionNamed: () => plain,
  });

  const observed = {
    graphqlApiId: built.defaultApi.api.apiId,
    functions: [built.tunedFunctions.get('warm')],
    tables: built.onDemand.tables,
    streamConsumers: [
      { function: built.tunedFunctions.get('warm'), onFailureQueue: built.defaultConsumers.consumers[0]!.onFailureQueue },
    ],
  };
  built.defaultObservability = new ChatObservability(stack, 'DefaultObservability', { ...observed, dashboardName: 'default' });
  built.tunedObservability = new ChatObservability(stack, 'TunedObservability', {
    ...observed,
    dashboardName: 'tuned',
    alarmEmail: 'oncall@example.com',
    thresholds: { appSyncLatencyP99Ms: 250, durationPercentOfTimeout: 50, iteratorAgeSeconds: 300 },
  });

  built.web = new ChatWeb(stack, 'Web', { buildDir: WEB_BUILD });
  built.worldWeb = new ChatWeb(stack, 'WorldWeb', { buildDir: WEB_BUILD, priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL });

  webStack = await createChatStack(app, 'WithWeb', {
    app: { chatApi: fixture.chatApi },
    rootDir: ROOT_DIR,
    web: { buildDir: WEB_BUILD },
  });
  // One synthesis of the app, after both stacks exist.
  template = Template.fromStack(stack);
  webTemplate = Template.fromStack(webStack);
}, 120_000);

const propertiesOf = (construct: Parameters<typeof logicalIdOf>[0]) => resourceOf(template, logicalIdOf(construct)).Properties;
const resourcesOfType = (type: string, under: string) =>
  Object.entries((template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources)
    .filter(([id, resource]) => resource.Type === type && id.startsWith(under))
    .map(([, resource]) => resource.Properties);

describe('data: billing, capacity, encryption, protection', () => {
  it('bills on demand by default, without provisioned capacity or auto-scaling', () => {
    const table = propertiesOf(built.onDemand.table('Notes'));
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table).not.toHaveProperty('ProvisionedThroughput');
    expect(table).not.toHaveProperty('OnDemandThroughput');
    expect(resourcesOfType('AWS::ApplicationAutoScaling::ScalableTarget', 'OnDemand')).toEqual([]);
  });

  it('caps on-demand throughput, and turns deletion protection off and shortens PITR when told', () => {
    expect(propertiesOf(built.capped.table('Notes'))).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      OnDemandThroughput: { MaxReadRequestUnits: 1000, MaxWriteRequestUnits: 500 },
      DeletionProtectionEnabled: false,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
    });
  });

  it('provisions capacity with target-tracking auto-scaling of reads and writes for the table and each index', () => {
    const table = built.provisioned.table('Notes');
    // CloudFormation's default billing mode is PROVISIONED, which CDK leaves implicit.
    expect(propertiesOf(table).BillingMode ?? 'PROVISIONED').toBe('PROVISIONED');
    expect(propertiesOf(table)).toMatchObject({
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 },
      GlobalSecondaryIndexes: [
        expect.objectContaining({ IndexName: 'byOwner', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 } }),
      ],
    });
    const targets = resourcesOfType('AWS::ApplicationAutoScaling::ScalableTarget', 'Provisioned');
    const dimensions = targets.map((target) => `${target.ScalableDimension as string} ${target.MinCapacity as number}-${target.MaxCapacity as number}`);
    expect(dimensions.sort()).toEqual([
      'dynamodb:index:ReadCapacityUnits 5-50',
      'dynamodb:index:WriteCapacityUnits 2-20',
      'dynamodb:table:ReadCapacityUnits 5-50',
      'dynamodb:table:WriteCapacityUnits 2-20',
    ]);
    const policies = resourcesOfType('AWS::ApplicationAutoScaling::ScalingPolicy', 'Provisioned');
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy).toMatchObject({
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 },
      });
    }
  });

  it('encrypts with a customer-managed, rotated KMS key when told', () => {
    const table = built.provisioned.table('Notes');
    const sse = propertiesOf(table).SSESpecification as { KMSMasterKeyId: unknown; SSEEnabled: boolean; SSEType: string };
    expect(sse).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(sse.KMSMasterKeyId).toEqual(getAtt(table.encryptionKey!, 'Arn'));
    expect(propertiesOf(table.encryptionKey!).EnableKeyRotation).toBe(true);
    expect(propertiesOf(built.onDemand.table('Notes')).SSESpecification).toEqual({ SSEEnabled: true });
  });
});

describe('auth knobs', () => {
  it('sets MFA, the Plus plan with threat protection, password policy and groups when told', () => {
    expect(propertiesOf(built.strictAuth.userPool)).toMatchObject({
      MfaConfiguration: 'ON',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: { PasswordPolicy: { MinimumLength: 16 } },
    });
    expect(propertiesOf(built.defaultAuth.userPool)).toMatchObject({ MfaConfiguration: 'OPTIONAL', UserPoolTier: 'ESSENTIALS' });
    expect(propertiesOf(built.defaultAuth.userPool)).not.toHaveProperty('UserPoolAddOns');
    expect(propertiesOf(built.noMfaAuth.userPool).MfaConfiguration).toBe('OFF');
    expect(propertiesOf(built.noMfaAuth.userPool)).not.toHaveProperty('EnabledMfas');
    expect(built.strictAuth.groups.map((group) => propertiesOf(group))).toEqual([
      expect.objectContaining({ GroupName: 'owners', Precedence: 0 }),
      expect.objectContaining({ GroupName: 'staff', Precedence: 1 }),
      expect.objectContaining({ GroupName: 'helpers', Precedence: 2 }),
    ]);
  });

  it('sets token lifetimes, redirect URLs and the hosted domain prefix', () => {
    expect(propertiesOf(built.strictAuth.userPoolClient)).toMatchObject({
      AccessTokenValidity: 15,
      IdTokenValidity: 30,
      RefreshTokenValidity: 7 * 24 * 60,
      CallbackURLs: ['https://app.example.com/callback'],
      LogoutURLs: ['https://app.example.com/bye'],
    });
    expect(propertiesOf(built.defaultAuth.userPoolClient)).toMatchObject({ LogoutURLs: ['https://app.example.com/'] });
    expect(propertiesOf(built.strictAuth.domain).Domain).toBe('knobs-strict');
  });

  it('acknowledges COG2 and COG8 only where MFA is optional or the plan is Essentials', () => {
    const acknowledged = (auth: ChatAuth) => acknowledgements(auth).map((a) => a.id.replace(/^Annotation::/, ''));
    expect(acknowledged(built.strictAuth)).toEqual([]);
    expect(acknowledged(built.defaultAuth).sort()).toEqual(['AwsSolutions-COG2', 'AwsSolutions-COG8']);
  });
});

describe('function knobs', () => {
  it('leaves concurrency alone and uses 256 MB and a month of logs by default', () => {
    const plain = built.defaultFunctions.get('plain');
    expect(propertiesOf(plain.function)).toMatchObject({ MemorySize: 256 });
    expect(propertiesOf(plain.function)).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(propertiesOf(plain.alias)).not.toHaveProperty('ProvisionedConcurrencyConfig');
    expect(propertiesOf(plain.logGroup).RetentionInDays).toBe(30);
  });

  it('sets memory, reserved concurrency, provisioned concurrency on the alias, log retention and log level', () => {
    const capped = built.tunedFunctions.get('capped');
    const warm = built.tunedFunctions.get('warm');
    expect(propertiesOf(capped.function)).toMatchObject({
      MemorySize: 1024,
      ReservedConcurrentExecutions: 10,
      Environment: { Variables: expect.objectContaining({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }) },
    });
    expect(propertiesOf(capped.alias)).not.toHaveProperty('ProvisionedConcurrencyConfig');
    expect(propertiesOf(warm.function)).toMatchObject({
      MemorySize: 1024,
      ReservedConcurrentExecutions: 20,
      Timeout: 30,
      Handler: 'index.main',
    });
    expect(propertiesOf(warm.alias)).toMatchObject({
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
    expect(propertiesOf(warm.logGroup).RetentionInDays).toBe(7);
  });
});

describe('GraphQL API knobs', () => {
  it('logs errors only, without verbose content, for a month by default; ALL, verbose and a year when told', () => {
    expect(propertiesOf(built.defaultApi.api).LogConfig).toMatchObject({ FieldLogLevel: 'ERROR', ExcludeVerboseContent: true });
    expect(propertiesOf(built.verboseApi.api).LogConfig).toMatchObject({ FieldLogLevel: 'ALL', ExcludeVerboseContent: false });
    expect(propertiesOf(built.defaultApi.logGroup).RetentionInDays).toBe(30);
    expect(propertiesOf(built.verboseApi.logGroup).RetentionInDays).toBe(365);
    expect(acknowledgements(built.verboseApi).map((a) => a.id)).not.toContain('Annotation::AwsSolutions-ASC3');
  });

  it('grants its logs role writing to its own log group only', () => {
    const role = logicalIdOf(built.defaultApi.node.findChild('LogsRole'));
    const statements = allowStatements(template).filter(({ roles }) => roles.includes(role));
    expect(statements.map(({ statement }) => statement)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: getAtt(built.defaultApi.logGroup, 'Arn'),
      },
    ]);
  });
});

describe('WebSocket knobs', () => {
  it('throttles the stage at the given rates, names it, and selects routes by the given expression', () => {
    expect(propertiesOf(built.defaultWebSocket.stage)).toMatchObject({
      StageName: 'live',
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
    expect(propertiesOf(built.defaultWebSocket.stage)).not.toHaveProperty('AccessLogSettings');
    expect(propertiesOf(built.tunedWebSocket.stage)).toMatchObject({
      StageName: 'prod',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(propertiesOf(built.defaultWebSocket.api).RouteSelectionExpression).toBe('$request.body.action');
    expect(propertiesOf(built.tunedWebSocket.api).RouteSelectionExpression).toBe('$request.body.type');
  });

  it('writes access logs to a log group with the given retention when told', () => {
    const settings = propertiesOf(built.tunedWebSocket.stage).AccessLogSettings as { DestinationArn: unknown };
    const logGroup = built.tunedWebSocket.node.findChild('AccessLogs');
    expect(settings.DestinationArn).toEqual(getAtt(logGroup, 'Arn'));
    expect(propertiesOf(logGroup).RetentionInDays).toBe(14);
  });
});

describe('stream consumer defaults', () => {
  it('reads from the trim horizon in batches of 100, bisects, retries until expiry and reports item failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(built.onDemand.table('Notes'), 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: -1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: getAtt(built.defaultConsumers.consumers[0]!.onFailureQueue, 'Arn') },
      },
    });
  });
});

describe('observability knobs', () => {
  const alarmsOf = (observability: ChatObservability) =>
    observability.alarms.map((alarm) => propertiesOf(alarm) as { MetricName?: string; Threshold: number });

  it('e-mails alarms only when an address is given', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: ref(built.tunedObservability.topic),
    });
  });

  it('uses the given thresholds for latency, duration and iterator age', () => {
    const threshold = (observability: ChatObservability, metric: string) =>
      alarmsOf(observability).find((alarm) => alarm.MetricName === metric)?.Threshold;
    expect(threshold(built.defaultObservability, 'Latency')).toBe(1000);
    expect(threshold(built.tunedObservability, 'Latency')).toBe(250);
    expect(threshold(built.defaultObservability, 'Duration')).toBe(24_000);
    expect(threshold(built.tunedObservability, 'Duration')).toBe(15_000);
    expect(threshold(built.defaultObservability, 'IteratorAge')).toBe(60_000);
    expect(threshold(built.tunedObservability, 'IteratorAge')).toBe(300_000);
  });

  it('has no WebSocket alarm without a WebSocket API', () => {
    expect(alarmsOf(built.defaultObservability).map((alarm) => alarm.MetricName)).not.toContain('IntegrationError');
  });
});

describe('web', () => {
  it('serves the build from a private, encrypted, SSL-only bucket through CloudFront with origin access control', () => {
    expect(propertiesOf(built.web.bucket)).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    const distribution = propertiesOf(built.web.distribution).DistributionConfig as Record<string, unknown>;
    expect(distribution).toMatchObject({
      DefaultRootObject: 'index.html',
      PriceClass: 'PriceClass_100',
      DefaultCacheBehavior: expect.objectContaining({ ViewerProtocolPolicy: 'https-only' }),
      Origins: [expect.objectContaining({ OriginAccessControlId: { 'Fn::GetAtt': [expect.any(String), 'Id'] } })],
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: ref(built.web.bucket),
      DistributionId: ref(built.web.distribution),
    });
    expect((propertiesOf(built.worldWeb.distribution).DistributionConfig as Record<string, unknown>).PriceClass).toBe(
      'PriceClass_All',
    );
  });

  it('makes the stack redirect sign-ins to the web client and export its URL', () => {
    const distribution = webStack.web!.distribution;
    webTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: [{ 'Fn::Join': ['', ['https://', getAtt(distribution, 'DomainName'), '/']] }],
    });
    expect((webTemplate.toJSON() as { Outputs: Record<string, unknown> }).Outputs).toHaveProperty('WebUrl');
  });

  it("has wildcard actions only in CDK's BucketDeployment handler, on the web and asset buckets", () => {
    const handlerRole = logicalIdOf(webStack.web!.deployment.handlerRole);
    for (const { roles, statement } of allowStatements(webTemplate)) {
      const wildcardActions = asArray(statement.Action).filter((action) => action.includes('*'));
      if (wildcardActions.length === 0) continue;
      expect(roles).toEqual([handlerRole]);
      expect(wildcardActions.every((action) => action.startsWith('s3:'))).toBe(true);
      const resources = JSON.stringify(statement.Resource);
      expect(resources.includes(logicalIdOf(webStack.web!.bucket)) || resources.includes('cdk-hnb659fds-assets-')).toBe(true);
    }
  });
});

describe('cdk-nag over every variant', () => {
  it('finds nothing unacknowledged, so each acknowledgement follows its knob', () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
    expect(unacknowledgedNagFindings(webStack)).toEqual([]);
  });
});
