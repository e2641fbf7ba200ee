/**
 * The real app as `npm run synth` deploys it (infra/app-description.ts: resolvers/api.ts, schema.graphql and
 * lambdas/app.ts), synthesised once without bundling the Lambda code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileResolverCode } from '../../local/appsync/runtime/index.js';
import { loadSchema } from '../../local/appsync/schema/load.js';
import * as description from '../../infra/app-description.js';
import { createChatStack, type ChatStack } from '../../infra/stack.js';
import { allowStatements, asArray, logicalIdOf, resourceOf, ROOT_DIR, testApp, unacknowledgedNagFindings } from './helpers.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const { chatApi } = description;
let stack: ChatStack;
let template: Template;
let resources: Resources;

beforeAll(async () => {
  stack = await createChatStack(testApp({ bundle: false }), 'Wavechat', { app: description, rootDir: ROOT_DIR });
  template = Template.fromStack(stack);
  resources = (template.toJSON() as { Resources: Resources }).Resources;
}, 120_000);

const propertiesOf = (type: string) =>
  Object.values(resources)
    .filter((resource) => resource.Type === type)
    .map((resource) => resource.Properties);

describe('the chat API on AppSync', () => {
  it('has a resolver for every root field of schema.graphql, and only those', () => {
    const schema = loadSchema(readFileSync(path.join(ROOT_DIR, chatApi.schemaFile), 'utf8'));
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    );
    const rootTypes = new Set(['Query', 'Mutation', 'Subscription']);
    const wired = propertiesOf('AWS::AppSync::Resolver')
      .map((resolver) => `${resolver.TypeName as string}.${resolver.FieldName as string}`)
      .filter((field) => rootTypes.has(field.split('.')[0]!));
    expect(wired.sort()).toEqual(rootFields.sort());
  });

  it('wires every resolver and function of resolvers/api.ts with the code compileResolverCode produces', async () => {
    const resolvers = propertiesOf('AWS::AppSync::Resolver');
    expect(resolvers).toHaveLength(chatApi.resolvers.length);
    const compiled = new Map<string, string>();
    const codeOf = async (file: string) => {
      if (!compiled.has(file)) compiled.set(file, await compileResolverCode(path.join(ROOT_DIR, file)));
      return compiled.get(file);
    };
    for (const definition of chatApi.resolvers) {
      const resolver = resolvers.find((r) => r.TypeName === definition.typeName && r.FieldName === definition.fieldName);
      expect(resolver, `${definition.typeName}.${definition.fieldName}`).toMatchObject({
        Kind: definition.kind,
        Code: await codeOf(definition.code),
        Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
        ...(definition.kind === 'UNIT' ? { DataSourceName: definition.dataSource } : {}),
      });
      if (definition.kind === 'PIPELINE') {
        const names = (resolver?.PipelineConfig as { Functions: { 'Fn::GetAtt': [string, string] }[] }).Functions.map(
          (f) => resources[f['Fn::GetAtt'][0]]?.Properties.Name,
        );
        expect(names).toEqual(definition.functions);
      }
    }
    const functions = propertiesOf('AWS::AppSync::FunctionConfiguration');
    expect(functions).toHaveLength(chatApi.functions.length);
    for (const definition of chatApi.functions) {
      expect(functions.find((f) => f.Name === definition.name)).toMatchObject({
        Code: await codeOf(definition.code),
        DataSourceName: definition.dataSource,
      });
    }
  });

  it('deploys the send rate limit as API environment variables, with the defaults the local cloud runs', () => {
    const [api] = propertiesOf('AWS::AppSync::GraphQLApi');
    expect(api?.EnvironmentVariables).toMatchObject({ SEND_RATE_LIMIT: '30', SEND_RATE_WINDOW_SECONDS: '10' });
  });

  it('deploys the tables of the API data sources', () => {
    const tables = chatApi.dataSources.flatMap((source) => (source.type === 'AMAZON_DYNAMODB' ? [source.table] : []));
    expect(propertiesOf('AWS::DynamoDB::Table')).toHaveLength(new Set(tables.map((t) => t.name)).size);
    for (const table of tables) expect(stack.data.tables.has(table.name)).toBe(true);
  });
});

describe('the raw-WebSocket side (lambdas/app.ts)', () => {
  const functions = description.chatFunctions ?? [];
  const webSocketApi = description.chatWebSocketApi;

  it('deploys every function of the description', () => {
    expect(propertiesOf('AWS::Lambda::Function')).toHaveLength(functions.length);
    for (const { name } of functions) expect(stack.functions.functions.has(name), name).toBe(true);
  });

  it('has every route with a Lambda proxy integration of its function, and the authorizer on $connect only', () => {
    expect(webSocketApi).toBeDefined();
    const routes = propertiesOf('AWS::ApiGatewayV2::Route');
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(webSocketApi!.routes.map((r) => r.routeKey).sort());
    for (const { routeKey, function: name } of webSocketApi!.routes) {
      const route = resourceOf(template, logicalIdOf(stack.webSocket!.routes.get(routeKey)!)).Properties;
      const integrationId = (route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      expect(JSON.stringify(resourceOf(template, integrationId).Properties.IntegrationUri), routeKey).toContain(
        logicalIdOf(stack.functions.get(name).alias),
      );
      expect(route.AuthorizationType, routeKey).toBe(routeKey === '$connect' && webSocketApi!.authorizer ? 'CUSTOM' : 'NONE');
    }
    const authorizers = propertiesOf('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(webSocketApi!.authorizer ? 1 : 0);
    if (webSocketApi!.authorizer && (webSocketApi!.authorizer.identitySource ?? []).length === 0) {
      expect(authorizers[0]).not.toHaveProperty('IdentitySource');
    }
  });

  it('maps every stream consumer to its table stream, with the FilterCriteria the local mapping applies', () => {
    const mappings = propertiesOf('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength((description.chatStreamConsumers ?? []).length);
    for (const consumer of description.chatStreamConsumers ?? []) {
      const alias = logicalIdOf(stack.functions.get(consumer.function).alias);
      const [mapping, ...others] = mappings.filter((candidate) => JSON.stringify(candidate.FunctionName).includes(alias));
      expect(others, consumer.function).toEqual([]);
      expect(consumer.filters?.length, consumer.function).toBeGreaterThan(0);
      expect(mapping?.FilterCriteria, consumer.function).toEqual({
        Filters: (consumer.filters ?? []).map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
      });
    }
  });

  it('grants events:PutEvents on the bus, and nothing of the table but its stream, to chatEventPublisher alone', () => {
    const publisherRole = logicalIdOf(stack.functions.get('chatEventPublisher').role);
    const statements = allowStatements(template);
    const putEvents = statements.filter(({ statement }) => asArray(statement.Action).includes('events:PutEvents'));
    expect(putEvents.flatMap(({ roles }) => roles)).toEqual([publisherRole]);
    expect(putEvents.map(({ statement }) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [logicalIdOf(stack.events.bus), 'Arn'] }]);
    const publisherActions = statements
      .filter(({ roles }) => roles.includes(publisherRole))
      .flatMap(({ statement }) => asArray(statement.Action));
    const dataActions = publisherActions.filter((action) => action.startsWith('dynamodb:'));
    expect(dataActions.sort()).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
    expect(publisherActions.filter((action) => /^(appsync|execute-api):/.test(action))).toEqual([]);
    const mappings = propertiesOf('AWS::Lambda::EventSourceMapping');
    expect(mappings.filter((mapping) => JSON.stringify(mapping.FunctionName).includes(logicalIdOf(stack.functions.get('chatEventPublisher').alias)))).toHaveLength(1);
  });

  it('grants the bridge functions appsync:GraphQL field by field, never on a whole type', () => {
    const graphql = allowStatements(template).filter(({ statement }) => asArray(statement.Action).includes('appsync:GraphQL'));
    for (const { statement } of graphql) {
      for (const resource of asArray(statement.Resource)) expect(JSON.stringify(resource)).toMatch(/\/fields\/\w+"\]\]\}$/);
    }
    const bridges = functions.filter((f) => Object.values(f.environment ?? {}).some((v) => typeof v === 'object' && 'output' in v && v.output === 'graphqlUrl'));
    const grantedRoles = new Set(graphql.flatMap(({ roles }) => roles));
    for (const { name } of bridges) expect(grantedRoles.has(logicalIdOf(stack.functions.get(name).role)), name).toBe(true);
  });
});

describe('cdk-nag', () => {
  it('passes with every finding fixed or acknowledged', () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});
