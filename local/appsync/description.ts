/**
 * The description of a GraphQL API: schema, data sources, functions and resolvers, auth modes.
 *
 * One value of this type describes the whole API. `local/appsync` runs it; `infra/` deploys it with CDK.
 * Nothing else lists resolvers, so the local cloud and AWS cannot drift apart.
 */

/** A DynamoDB attribute type usable in a key. */
export type KeyAttributeType = 'S' | 'N' | 'B';

/** A key attribute of a table or index. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** A global or local secondary index. */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attributes copied into the index. @default 'ALL' */
  readonly projection?: 'ALL' | 'KEYS_ONLY';
}

/** A DynamoDB table as the app needs it; capacity, encryption and backups are infra's business. */
export interface TableDefinition {
  /** Logical name; the local cloud uses it as the table name, infra lets CloudFormation name the table. */
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes?: readonly IndexDefinition[];
  readonly localSecondaryIndexes?: readonly IndexDefinition[];
  /** Stream view type; omitted means no stream. */
  readonly stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  /** Attribute holding an epoch-seconds expiry. */
  readonly timeToLiveAttribute?: string;
}

/** AppSync authorization modes. */
export type AuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS' | 'OPENID_CONNECT' | 'AWS_LAMBDA';

export type DataSourceDefinition =
  | { readonly name: string; readonly type: 'AMAZON_DYNAMODB'; readonly table: TableDefinition }
  | { readonly name: string; readonly type: 'NONE' }
  | {
      readonly name: string;
      readonly type: 'AWS_LAMBDA';
      /** Handler module, relative to the repository root, exporting `handler`. */
      readonly handler: string;
    };

/** A pipeline function: one data source and one APPSYNC_JS code file. */
export interface FunctionDefinition {
  readonly name: string;
  readonly dataSource: string;
  /** APPSYNC_JS source (TypeScript or JavaScript), relative to the repository root. */
  readonly code: string;
}

interface ResolverBase {
  readonly typeName: string;
  readonly fieldName: string;
  /** APPSYNC_JS source (TypeScript or JavaScript), relative to the repository root. */
  readonly code: string;
}

/** A unit resolver calls one data source; a pipeline resolver runs functions in order. */
export type ResolverDefinition =
  | (ResolverBase & { readonly kind: 'UNIT'; readonly dataSource: string })
  | (ResolverBase & { readonly kind: 'PIPELINE'; readonly functions: readonly string[] });

export interface AuthorizationDefinition {
  readonly defaultMode: AuthMode;
  /** @default [] */
  readonly additionalModes?: readonly AuthMode[];
}

/** The whole GraphQL API. */
export interface GraphqlApiDefinition {
  readonly name: string;
  /** Schema file, relative to the repository root. */
  readonly schemaFile: string;
  readonly authorization: AuthorizationDefinition;
  readonly dataSources: readonly DataSourceDefinition[];
  readonly functions: readonly FunctionDefinition[];
  readonly resolvers: readonly ResolverDefinition[];
  /**
   * API environment variables, visible to resolvers as `ctx.env`. A `{ tableName }` value is replaced by the
   * deployed name of that table (batch and transaction requests must name tables). @default {}
   */
  readonly environmentVariables?: Readonly<Record<string, string | { readonly tableName: string }>>;
}
