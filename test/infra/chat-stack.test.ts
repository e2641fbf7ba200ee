/**
 * The whole stack, built from the fixture app description (test/infra/fixtures/app.ts) with real esbuild bundling
 * of its Lambda handlers, synthesised once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileResolverCode } from '../../local/appsync/runtime/index.js';
import { loadSchema } from '../../local/appsync/schema/load.js';
import type { ChatStack } from '../../infra/stack.js';
import { createChatStack } from '../../infra/stack.js';
import { amplifyOutputsFromStackOutputs, STACK_OUTPUTS } from '../../infra/outputs.js';
import { CHAT_EVENT_SOURCE } from '../../lambdas/shared/chat-events.js';
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

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;

let stack: ChatStack;
let template: Template;
let resources: Resources;
let outdir: string;

beforeAll(async () => {
  const app = testApp({ bundle: true });
  outdir = app.outdir;
  stack = await createChatStack(app, 'Fixture', { app: fixture, rootDir: ROOT_DIR });
  template = Template.fromStack(stack);
  resources = (template.toJSON() as { Resources: Resources }).Resources;
}, 120_000);

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const fn = (name: string) => stack.functions.get(name);

describe('GraphQL API', () => {
  it('wires every field that has a resolver in the schema, with the code compileResolverCode produces', async () => {
    const schema = loadSchema(readFileSync(path.join(ROOT_DIR, fixture.chatApi.schemaFile), 'utf8'));
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    );
    const resolvers = ofType('AWS::AppSync::Resolver').map(([, resource]) => resource.Properties);
    expect(resolvers.map((r) => `${r.TypeName as string}.${r.FieldName as string}`).sort()).toEqual(rootFields.sort());

    for (const definition of fixture.chatApi.resolvers) {
      const code = await compileResolverCode(path.join(ROOT_DIR, definition.code));
      const wired = resolvers.find((r) => r.TypeName === definition.typeName && r.FieldName === definition.fieldName);
      expect(wired).toMatchObject({
        Kind: definition.kind,
        Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
        Code: code,
        ApiId: getAtt(stack.graphql.api, 'ApiId'),
      });
      if (definition.kind === 'UNIT') {
        expect(wired?.DataSourceName).toBe(definition.dataSource);
      } else {
        const functionNames = (wired?.PipelineConfig as { Functions: { 'Fn::GetAtt': [string, string] }[] }).Functions.map(
          (f) => resources[f['Fn::GetAtt'][0]]?.Properties.Name,
        );
        expect(functionNames).toEqual(definition.functions);
      }
    }
  });

  it('builds each pipeline function from its code file on its data source', async () => {
    const functions = ofType('AWS::AppSync::FunctionConfiguration').map(([, resource]) => resource.Properties);
    expect(functions).toHaveLength(fixture.chatApi.functions.length);
    for (const definition of fixture.chatApi.functions) {
      expect(functions.find((f) => f.Name === definition.name)).toMatchObject({
        Code: await compileResolverCode(path.join(ROOT_DIR, definition.code)),
        Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
      });
    }
  });

  it('has every data source kind, the Lambda one invoking the function alias', () => {
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'NotesTable',
      Type: 'AMAZON_DYNAMODB',
      DynamoDBConfig: { TableName: ref(stack.data.table('Notes')) },
    });
    template.hasResourceProperties('AWS::AppSync::DataSource', { Name: 'Clock', Type: 'NONE' });
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'Echo',
      Type: 'AWS_LAMBDA',
      LambdaConfig: { LambdaFunctionArn: ref(fn('Echo').alias) },
    });
  });

  it('authorises with Cognito by default and IAM for the backend, with X-Ray, field logs and resolved variables', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: { UserPoolId: ref(stack.auth.userPool), DefaultAction: 'ALLOW' },
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true, CloudWatchLogsRoleArn: Match.anyValue() },
      EnvironmentVariables: { NOTES_TABLE: ref(stack.data.table('Notes')), GREETING: 'hello' },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', getAtt(stack.graphql.api, 'ApiId')]] },
      RetentionInDays: 30,
    });
    expect(ofType('Custom::LogRetention')).toEqual([]);
  });
});

describe('WebSocket API', () => {
  it('has every route of the description with a Lambda proxy integration of its function alias', () => {
    for (const { routeKey, function: name } of fixture.chatWebSocketApi.routes) {
      const route = stack.webSocket?.routes.get(routeKey);
      expect(route, routeKey).toBeDefined();
      const routeResource = resourceOf(template, logicalIdOf(route!));
      expect(routeResource.Properties.RouteKey).toBe(routeKey);
      const integrationId = (routeResource.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })[
        'Fn::Join'
      ][1][1].Ref;
      const integration = resourceOf(template, integrationId).Properties;
      expect(integration.IntegrationType).toBe('AWS_PROXY');
      expect(JSON.stringify(integration.IntegrationUri)).toContain(JSON.stringify(ref(fn(name).alias)));
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: ref(fn(name).alias),
        Principal: 'apigateway.amazonaws.com',
      });
    }
  });

  it('puts the REQUEST authorizer on $connect only', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.[1].Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
      AuthorizerUri: { 'Fn::Join': ['', expect.arrayContaining([ref(fn('authorizer').alias)])] },
    });
    for (const [, route] of ofType('AWS::ApiGatewayV2::Route')) {
      const connect = route.Properties.RouteKey === '$connect';
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey as string).toBe(connect ? 'CUSTOM' : 'NONE');
      expect(route.Properties.AuthorizerId).toEqual(connect ? { Ref: authorizers[0]?.[0] } : undefined);
    }
  });

  it('deploys one throttled stage named by the description', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
  });
});

describe('Lambda functions', () => {
  it('are arm64 NodejsFunctions with tracing, JSON logs with a retention, Powertools settings and a live alias', () => {
    const names = [...fixture.chatFunctions.map((f) => f.name), 'Echo'];
    expect(ofType('AWS::Lambda::Function')).toHaveLength(names.length);
    for (const name of names) {
      const { function: lambdaFunction, alias, logGroup, timeout } = fn(name);
      expect(resourceOf(template, logicalIdOf(lambdaFunction)).Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        MemorySize: 256,
        Timeout: timeout.toSeconds(),
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(logGroup) },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'notes',
            POWERTOOLS_METRICS_NAMESPACE: 'notes',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
      expect(resourceOf(template, logicalIdOf(alias)).Properties.Name).toBe('live');
      expect(resourceOf(template, logicalIdOf(logGroup)).Properties.RetentionInDays).toBe(30);
    }
    expect(fn('message').timeout.toSeconds()).toBe(20);
    expect(fn('connect').timeout.toSeconds()).toBe(10);
  });

  it('were bundled on this machine by esbuild into ESM with the require shim', () => {
    const assetDirs = readdirSync(outdir).filter((entry) => entry.startsWith('asset.'));
    const bundles = assetDirs.flatMap((dir) => {
      const file = path.join(outdir, dir, 'index.mjs');
      try {
        return [readFileSync(file, 'utf8')];
      } catch {
        return [];
      }
    });
    expect(bundles.length).toBeGreaterThanOrEqual(fixture.chatFunctions.length);
    const stream = bundles.find((bundle) => bundle.includes('handler:"stream"'));
    expect(stream).toMatch(/^import \{ createRequire as __wavechatCreateRequire \} from 'node:module';/);
    expect(stream).toContain('export');
  });

  it('get each reference of their environment resolved', () => {
    const variables = (name: string) =>
      (resourceOf(template, logicalIdOf(fn(name).function)).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
    expect(variables('connect').NOTES_TABLE).toEqual(ref(stack.data.table('Notes')));
    expect(variables('message')).toMatchObject({
      GRAPHQL_URL: getAtt(stack.graphql.api, 'GraphQLUrl'),
      MODE: 'fixture',
      WEBSOCKET_MANAGEMENT_URL: {
        'Fn::Join': ['', ['https://', ref(stack.webSocket!.api), '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/live']],
      },
    });
    expect(variables('stream').EVENT_BUS_NAME).toEqual(ref(stack.events.bus));
    expect(variables('authorizer')).toMatchObject({
      USER_POOL_ID: ref(stack.auth.userPool),
      USER_POOL_CLIENT_ID: ref(stack.auth.userPoolClient),
      USER_POOL_ISSUER: {
        'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', ref(stack.auth.userPool)]],
      },
    });
  });

  it('consume the stream with the description settings and an on-failure queue', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(stack.data.table('Notes'), 'StreamArn'),
      FunctionName: { 'Fn::Join': ['', [Match.anyValue(), ':live']] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 2,
      MaximumRetryAttempts: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: getAtt(stack.streamConsumers.consumers[0]!.onFailureQueue, 'Arn') } },
    });
  });
});

describe('least privilege', () => {
  const statements = () => allowStatements(template);
  /** Actions that have no resource-level permissions, so AWS requires Resource "*"; none reads or writes data. */
  const RESOURCELESS_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']);

  it('has no wildcard action anywhere', () => {
    const wildcards = statements().flatMap(({ policy, statement }) =>
      asArray(statement.Action).filter((action) => action.includes('*')).map((action) => `${policy}: ${action}`),
    );
    expect(wildcards).toEqual([]);
  });

  it('has no wildcard data resource: "*" only for actions without resource-level permissions, else one table\'s indexes or connection ids', () => {
    for (const { policy, statement } of statements()) {
      for (const resource of asArray(statement.Resource)) {
        const flat = JSON.stringify(resource);
        if (resource === '*') {
          expect(asArray(statement.Action).every((action) => RESOURCELESS_ACTIONS.has(action)), `${policy} ${flat}`).toBe(true);
        } else if (flat.includes('*')) {
          expect(flat, policy).toMatch(/"\/index\/\*"\]\]\}$|\/live\/\*\/@connections\/\*"\]\]\}$/);
        }
      }
    }
  });

  /** The statements of a function's role, minus its own logs and X-Ray (which every function has). */
  const grantsOf = (name: string) => {
    const role = logicalIdOf(fn(name).role);
    return statements()
      .filter(({ roles }) => roles.includes(role))
      .map(({ statement }) => ({
        ...statement,
        Action: asArray(statement.Action).filter((action) => !action.startsWith('xray:')),
      }))
      .filter((statement) => statement.Action.length > 0)
      .filter((statement) => JSON.stringify(statement.Resource) !== JSON.stringify(getAtt(fn(name).logGroup, 'Arn')));
  };
  const actionsOf = (name: string) => grantsOf(name).flatMap((statement) => asArray(statement.Action)).sort();

  it('gives a function that references nothing but the user pool nothing beyond its logs and X-Ray', () => {
    expect(grantsOf('authorizer')).toEqual([]);
    const logs = statements().filter(({ roles }) => roles.includes(logicalIdOf(fn('authorizer').role)));
    expect(logs.flatMap(({ statement }) => asArray(statement.Action)).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('grants { tableName } as read/write data on that table only', () => {
    const table = stack.data.table('Notes');
    for (const name of ['connect', 'disconnect']) {
      const grants = grantsOf(name);
      expect(grants, name).toHaveLength(1);
      expect(grants[0]!.Action.every((action) => action.startsWith('dynamodb:'))).toBe(true);
      expect(grants[0]!.Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']));
      expect(grants[0]!.Resource).toEqual([getAtt(table, 'Arn'), { 'Fn::Join': ['', [getAtt(table, 'Arn'), '/index/*']] }]);
    }
  });

  it('grants graphqlUrl as appsync:GraphQL on exactly the fields the schema opens to IAM', () => {
    const appsync = grantsOf('message').filter((statement) => statement.Action.includes('appsync:GraphQL'));
    const fields = appsync.flatMap((statement) =>
      asArray(statement.Resource).map((resource) =>
        ((resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].at(-1) as string).replace(/^\/types\//, ''),
      ),
    );
    expect(fields.sort()).toEqual(['Mutation/fields/addNote', 'Query/fields/echo', 'Query/fields/note']);
    expect(stack.graphql.iamFields.map((f) => `${f.typeName}.${f.fieldName}`).sort()).toEqual([
      'Mutation.addNote',
      'Query.echo',
      'Query.note',
    ]);
    expect(actionsOf('message')).toEqual(['appsync:GraphQL', 'execute-api:ManageConnections']);
  });

  it('grants websocketManagementUrl, eventBusName and a stream exactly their actions on their resources', () => {
    expect(actionsOf('stream')).toEqual(
      expect.arrayContaining([
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'events:PutEvents',
        'execute-api:ManageConnections',
        'sqs:SendMessage',
      ]),
    );
    const grants = grantsOf('stream');
    expect(grants.find((s) => s.Action.includes('events:PutEvents'))?.Resource).toEqual(getAtt(stack.events.bus, 'Arn'));
    expect(grants.find((s) => s.Action.includes('dynamodb:ListStreams'))?.Resource).toBe('*');
    expect(grants.find((s) => s.Action.includes('execute-api:ManageConnections'))?.Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', ref(stack.webSocket!.api), '/live/*/@connections/*'],
      ],
    });
    expect(actionsOf('message')).not.toContain('events:PutEvents');
    expect(actionsOf('connect')).not.toContain('execute-api:ManageConnections');
  });

  it('attaches no AWS-managed policy to any role', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
  });
});

describe('data, encryption and protection', () => {
  it('keeps the table encrypted with the AWS-managed KMS key, point-in-time recoverable, protected from deletion and retained', () => {
    const table = resources[logicalIdOf(stack.data.table('Notes'))]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.SSESpecification).not.toHaveProperty('KMSMasterKeyId');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
      DeletionProtectionEnabled: true,
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'byOwner', Projection: { ProjectionType: 'ALL' } })],
    });
  });

  it('encrypts and SSL-guards every queue', () => {
    expect(ofType('AWS::SQS::Queue').length).toBeGreaterThanOrEqual(3);
    for (const [id, queue] of ofType('AWS::SQS::Queue')) expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
    for (const [id, policy] of ofType('AWS::SQS::QueuePolicy')) {
      expect(JSON.stringify(policy.Properties.PolicyDocument), id).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('protects the user pool from deletion', () => {
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: { DeletionProtection: 'ACTIVE' } });
  });
});

describe('auth', () => {
  it('signs in by email with the password policy, admin and moderator groups and a hosted domain', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'ESSENTIALS',
    });
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties);
    expect(groups.map((g) => [g.GroupName, g.Precedence])).toEqual([
      ['admins', 0],
      ['moderators', 1],
    ]);
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['fixture-', { Ref: 'AWS::AccountId' }]] },
    });
  });

  it('has a public app client with SRP, USER_PASSWORD_AUTH and the OAuth code flow, and token lifetimes', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['http://localhost:5173/'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 43200,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });
});

describe('events', () => {
  it('has a bus with the example rule sending posted and edited messages to the moderation queue', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: ref(stack.events.bus),
      EventPattern: { source: [CHAT_EVENT_SOURCE], 'detail-type': ['MessagePosted', 'MessageEdited'] },
      Targets: [
        Match.objectLike({
          Arn: getAtt(stack.events.moderationQueue, 'Arn'),
          DeadLetterConfig: { Arn: getAtt(stack.events.moderationDeadLetterQueue, 'Arn') },
        }),
      ],
    });
  });
});

describe('observability', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
  const alarmsOn = (metricName: string) => alarms().filter((alarm) => alarm.MetricName === metricName);

  it('alarms on AppSync 5XX and latency, Lambda errors, throttles and duration, iterator age and WebSocket integration errors', () => {
    const functionCount = fixture.chatFunctions.length + 1;
    expect(alarmsOn('5XXError')).toHaveLength(1);
    expect(alarmsOn('Latency')).toEqual([expect.objectContaining({ ExtendedStatistic: 'p99', Threshold: 1000 })]);
    expect(alarmsOn('Errors')).toHaveLength(functionCount);
    expect(alarmsOn('Throttles')).toHaveLength(functionCount);
    expect(alarmsOn('Duration')).toHaveLength(functionCount);
    const messageDuration = alarmsOn('Duration').find(
      (alarm) => JSON.stringify(alarm.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: ref(fn('message').function) }]),
    );
    expect(messageDuration?.Threshold).toBe(16_000);
    expect(alarmsOn('IteratorAge')).toEqual([
      expect.objectContaining({ Statistic: 'Maximum', Threshold: 60_000, Dimensions: [{ Name: 'FunctionName', Value: ref(fn('stream').function) }] }),
    ]);
    expect(alarmsOn('IntegrationError')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        Dimensions: expect.arrayContaining([{ Name: 'ApiId', Value: ref(stack.webSocket!.api) }, { Name: 'Stage', Value: 'live' }]),
      }),
    ]);
    expect(alarmsOn('ApproximateNumberOfMessagesVisible')).toHaveLength(1);
  });

  it('alarms on DynamoDB throttling of every table', () => {
    const throttles = alarms().filter((alarm) => JSON.stringify(alarm.Metrics ?? []).includes('ThrottleEvents'));
    expect(throttles).toHaveLength(1);
    expect(JSON.stringify(throttles[0]!.Metrics)).toContain('ReadThrottleEvents');
    expect(JSON.stringify(throttles[0]!.Metrics)).toContain('WriteThrottleEvents');
  });

  it('sends every alarm (and its recovery) to the SNS topic, and has a dashboard', () => {
    const topic = ref(stack.observability.topic);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('outputs', () => {
  it('exports what amplify_outputs.json needs and builds the file in the local cloud shape from them', () => {
    const outputs = (template.toJSON() as { Outputs: Record<string, unknown> }).Outputs;
    for (const key of Object.values(STACK_OUTPUTS).filter((key) => key !== STACK_OUTPUTS.webUrl)) {
      expect(outputs, key).toHaveProperty(key);
    }
    expect(outputs).not.toHaveProperty(STACK_OUTPUTS.webUrl);
    const deployed: Record<string, string> = {
      Region: 'eu-west-1',
      UserPoolId: 'eu-west-1_abc',
      UserPoolClientId: 'client123',
      PasswordPolicy: (outputs.PasswordPolicy as { Value: string }).Value,
      GraphqlUrl: 'https://x.appsync-api.eu-west-1.amazonaws.com/graphql',
      RealtimeUrl: 'wss://x.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
      WebSocketUrl: 'wss://ws123.execute-api.eu-west-1.amazonaws.com/prod',
      GraphqlAuthorization: (outputs.GraphqlAuthorization as { Value: string }).Value,
    };
    expect(amplifyOutputsFromStackOutputs(deployed)).toEqual({
      version: '1.3',
      auth: {
        aws_region: 'eu-west-1',
        user_pool_id: 'eu-west-1_abc',
        user_pool_client_id: 'client123',
        username_attributes: ['email'],
        standard_required_attributes: ['email'],
        user_verification_types: ['email'],
        password_policy: {
          min_length: 12,
          require_lowercase: true,
          require_numbers: true,
          require_symbols: true,
          require_uppercase: true,
        },
      },
      data: {
        aws_region: 'eu-west-1',
        url: 'https://x.appsync-api.eu-west-1.amazonaws.com/graphql',
        default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
        authorization_types: ['AWS_IAM'],
      },
      custom: {
        wavechat: {
          realtimeUrl: 'wss://x.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
          webSocketUrl: 'wss://ws123.execute-api.eu-west-1.amazonaws.com/prod',
        },
      },
    });
    const { GraphqlUrl: _omitted, ...incomplete } = deployed;
    expect(() => amplifyOutputsFromStackOutputs(incomplete)).toThrow(/GraphqlUrl/);
  });
});

describe('cdk-nag', () => {
  it('finds nothing that is neither fixed nor acknowledged', () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('has a reason for every acknowledgement', () => {
    const acknowledged = acknowledgements(stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason, path: at } of acknowledged) expect(reason.length, `${id} at ${at}`).toBeGreaterThan(40);
  });
});
