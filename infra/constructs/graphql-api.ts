/**
 * The GraphQL API on AppSync, built from the same description the local cloud runs: schema, data sources,
 * APPSYNC_JS functions and resolvers (code compiled by `compileApiCode`), auth modes and environment variables.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { isFieldAuthorized } from '../../local/appsync/auth/directives.js';
import type { Authentication } from '../../local/appsync/auth/types.js';
import type { AuthMode, GraphqlApiDefinition } from '../../local/appsync/description.js';
import { loadSchema } from '../../local/appsync/schema/load.js';
import type { CompiledApiCode } from '../compile.js';
import { DuplicateNameError, UnknownNameError, UnsupportedDefinitionError } from '../errors.js';
import { acknowledgeTableIndexes } from '../nag.js';

/** A root field (`Query.room`, `Mutation.sendMessage`…). */
export interface RootField {
  readonly typeName: string;
  readonly fieldName: string;
}

export interface ChatGraphqlApiProps {
  readonly definition: GraphqlApiDefinition;
  /** The description's code, compiled (see `compileApiCode`). */
  readonly code: CompiledApiCode;
  /** The directory the description's paths are relative to. */
  readonly rootDir: string;
  /** The deployed tables by description name. */
  readonly tables: ReadonlyMap<string, ITable>;
  /** Required when an auth mode is AMAZON_COGNITO_USER_POOLS. */
  readonly userPool?: IUserPool;
  /** Functions of AWS_LAMBDA data sources, by data source name. @default none */
  readonly lambdaDataSources?: ReadonlyMap<string, IFunction>;
  /**
   * Field-level (resolver) logs. ERROR logs only failing fields; ALL logs every resolver's request and response,
   * which at chat volumes costs more than the API itself (docs/cost.md).
   * @default appsync.FieldLogLevel.ERROR
   */
  readonly fieldLogLevel?: appsync.FieldLogLevel;
  /**
   * Include verbose content (headers, arguments, resolver context and evaluated templates) in the logs: useful
   * when debugging, but it writes message bodies and caller details to CloudWatch.
   * @default false
   */
  readonly verboseLogs?: boolean;
  /** How long the API's logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/** The synthetic IAM caller whose authorisation decides which fields backend code may be granted. */
const IAM_CALLER: Authentication = { mode: 'AWS_IAM', identity: null, authType: 'IAM Authorization', groups: [] };

/**
 * An AppSync GraphQL API with X-Ray tracing and field logs, every data source, function and resolver of the
 * description, and its environment variables (`{ tableName }` resolved to the deployed table name).
 *
 * @example
 * ```ts
 * const graphql = new ChatGraphqlApi(stack, 'GraphqlApi', {
 *   definition: chatApi,
 *   code: await compileApiCode(chatApi, rootDir),
 *   rootDir,
 *   tables: data.tables,
 *   userPool: auth.userPool,
 * });
 * graphql.grantIamFields(bridgeFunction);
 * ```
 */
export class ChatGraphqlApi extends Construct {
  readonly api: appsync.GraphqlApi;
  /** `wss://…appsync-realtime-api…/graphql`, the real-time endpoint. */
  readonly realtimeUrl: string;
  readonly logGroup: logs.LogGroup;
  /** Root fields an IAM caller may call per the schema's auth directives: what backend code can be granted. */
  readonly iamFields: readonly RootField[];
  readonly resolvers: readonly appsync.Resolver[];

  constructor(scope: Construct, id: string, props: ChatGraphqlApiProps) {
    super(scope, id);
    const { definition } = props;
    const schemaFile = path.resolve(props.rootDir, definition.schemaFile);
    const schema = loadSchema(readFileSync(schemaFile, 'utf8'));

    const logsRole = new iam.Role(this, 'LogsRole', { assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com') });
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: definition.name,
      definition: appsync.Definition.fromFile(schemaFile),
      authorizationConfig: {
        defaultAuthorization: authorizationMode(definition.authorization.defaultMode, props.userPool),
        additionalAuthorizationModes: (definition.authorization.additionalModes ?? []).map((mode) =>
          authorizationMode(mode, props.userPool),
        ),
      },
      xrayEnabled: true,
      environmentVariables: Object.fromEntries(
        Object.entries(definition.environmentVariables ?? {}).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : tableOf(props.tables, value.tableName, `API variable ${name}`).tableName,
        ]),
      ),
    });
    const cfnApi = this.api.node.defaultChild as appsync.CfnGraphQLApi;
    // Set on the L1 resource: the L2's logConfig also adds a LogRetention custom resource (a Lambda with
    // AWS-managed policies) that would race the log group below for the group's retention.
    cfnApi.logConfig = {
      cloudWatchLogsRoleArn: logsRole.roleArn,
      fieldLogLevel: props.fieldLogLevel ?? appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: !(props.verboseLogs ?? false),
    };
    if (!(props.verboseLogs ?? false)) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-ASC3',
        reason:
          'Request logs are on, without verbose content: that would copy headers, arguments and resolver ' +
          'context (message bodies, tokens) into CloudWatch. The verboseLogs prop turns it on for debugging.',
      });
    }
    this.realtimeUrl = cfnApi.attrRealtimeUrl;

    // AppSync writes to /aws/appsync/apis/<id>; creating the group here gives it a retention and lets the logs role
    // be granted that group alone instead of AWSAppSyncPushToCloudWatchLogs (logs on every group).
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup.grantWrite(logsRole);

    const dataSources = this.createDataSources(props);
    const functions = new Map<string, appsync.AppsyncFunction>();
    for (const fn of definition.functions) {
      if (functions.has(fn.name)) throw new DuplicateNameError('AppSync function', fn.name);
      functions.set(
        fn.name,
        new appsync.AppsyncFunction(this, `Function-${fn.name}`, {
          api: this.api,
          name: fn.name,
          dataSource: lookup(dataSources, 'data source', fn.dataSource, `function ${fn.name}`),
          runtime: appsync.FunctionRuntime.JS_1_0_0,
          code: appsync.Code.fromInline(codeOf(props.code, fn.code)),
        }),
      );
    }

    this.resolvers = definition.resolvers.map((resolver) => {
      const field = `${resolver.typeName}.${resolver.fieldName}`;
      const type = schema.getType(resolver.typeName);
      if (!type || !('getFields' in type) || !type.getFields()[resolver.fieldName]) {
        throw new UnknownNameError('schema field', field, `the resolver of ${field}`);
      }
      return new appsync.Resolver(this, `Resolver-${resolver.typeName}-${resolver.fieldName}`, {
        api: this.api,
        typeName: resolver.typeName,
        fieldName: resolver.fieldName,
        runtime: appsync.FunctionRuntime.JS_1_0_0,
        code: appsync.Code.fromInline(codeOf(props.code, resolver.code)),
        ...(resolver.kind === 'UNIT'
          ? { dataSource: lookup(dataSources, 'data source', resolver.dataSource, `the resolver of ${field}`) }
          : {
              pipelineConfig: resolver.functions.map((name) =>
                lookup(functions, 'AppSync function', name, `the resolver of ${field}`),
              ),
            }),
      });
    });

    const apiAuthorization = {
      defaultMode: definition.authorization.defaultMode,
      additionalModesEnabled: (definition.authorization.additionalModes ?? []).length > 0,
    };
    this.iamFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type
        ? Object.values(type.getFields())
            .filter((field) => isFieldAuthorized(type, field, IAM_CALLER, apiAuthorization))
            .map((field) => ({ typeName: type.name, fieldName: field.name }))
        : [],
    );
  }

  /**
   * Grants `appsync:GraphQL` on exactly the root fields IAM callers may call (field by field, no wildcard).
   * @returns false when the schema opens no field to IAM, so there was nothing to grant.
   */
  grantIamFields(grantee: iam.IGrantable): boolean {
    const byType = new Map<string, string[]>();
    for (const { typeName, fieldName } of this.iamFields) byType.set(typeName, [...(byType.get(typeName) ?? []), fieldName]);
    for (const [typeName, fields] of byType) {
      this.api.grant(grantee, appsync.IamResource.ofType(typeName, ...fields), 'appsync:GraphQL');
    }
    return byType.size > 0;
  }

  private createDataSources(props: ChatGraphqlApiProps): Map<string, appsync.BaseDataSource> {
    const dataSources = new Map<string, appsync.BaseDataSource>();
    for (const source of props.definition.dataSources) {
      if (dataSources.has(source.name)) throw new DuplicateNameError('data source', source.name);
      const usedBy = `data source ${source.name}`;
      switch (source.type) {
        case 'AMAZON_DYNAMODB': {
          // addDynamoDbDataSource grants the data source's role read/write on this table (and its indexes) only.
          const table = tableOf(props.tables, source.table.name, usedBy);
          const dataSource = this.api.addDynamoDbDataSource(`DataSource-${source.name}`, table, { name: source.name });
          acknowledgeTableIndexes(dataSource, table);
          dataSources.set(source.name, dataSource);
          break;
        }
        case 'NONE':
          dataSources.set(source.name, this.api.addNoneDataSource(`DataSource-${source.name}`, { name: source.name }));
          break;
        case 'AWS_LAMBDA': {
          const fn = props.lambdaDataSources?.get(source.name);
          if (!fn) throw new UnknownNameError('Lambda function', source.handler, usedBy);
          dataSources.set(source.name, this.api.addLambdaDataSource(`DataSource-${source.name}`, fn, { name: source.name }));
          break;
        }
      }
    }
    return dataSources;
  }
}

function authorizationMode(mode: AuthMode, userPool: IUserPool | undefined): appsync.AuthorizationMode {
  switch (mode) {
    case 'AMAZON_COGNITO_USER_POOLS':
      if (!userPool) throw new UnsupportedDefinitionError('auth mode AMAZON_COGNITO_USER_POOLS', 'no user pool given');
      return { authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool } };
    case 'AWS_IAM':
      return { authorizationType: appsync.AuthorizationType.IAM };
    case 'API_KEY':
      return { authorizationType: appsync.AuthorizationType.API_KEY };
    case 'OPENID_CONNECT':
    case 'AWS_LAMBDA':
      throw new UnsupportedDefinitionError(`auth mode ${mode}`, 'the description carries no provider or authorizer for it');
  }
}

function tableOf(tables: ReadonlyMap<string, ITable>, name: string, usedBy: string): ITable {
  return lookup(tables, 'table', name, usedBy);
}

function codeOf(code: CompiledApiCode, file: string): string {
  const compiled = code.get(file);
  if (compiled === undefined) throw new UnknownNameError('compiled code file', file, 'the API description');
  return compiled;
}

function lookup<T>(map: ReadonlyMap<string, T>, kind: string, name: string, usedBy: string): T {
  const found = map.get(name);
  if (found === undefined) throw new UnknownNameError(kind, name, usedBy);
  return found;
}

