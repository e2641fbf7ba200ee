/**
 * Lambda functions as the app describes them. The local cloud runs each in its own worker threads
 * (local/lambda/runtime.ts); infra/ deploys them as NodejsFunctions. Capacity knobs (memory, concurrency) are
 * infra's props, not part of the description.
 */

/**
 * An environment variable's value: a literal, or a reference that each side resolves to its own value
 * (the local cloud to local endpoints and names, infra to CloudFormation tokens).
 */
export type EnvironmentValue =
  | string
  /** The deployed name of a table of the description. */
  | { readonly tableName: string }
  /** An endpoint or id of the deployed app. */
  | { readonly output: AppOutput };

/**
 * - `graphqlUrl`: the GraphQL API's HTTP endpoint.
 * - `websocketManagementUrl`: the WebSocket API's `@connections` base URL (https://…/stage).
 * - `userPoolId`, `userPoolClientId`, `userPoolIssuer`: the Cognito user pool and app client.
 * - `eventBusName`: the app's EventBridge bus.
 */
export type AppOutput =
  | 'graphqlUrl'
  | 'websocketManagementUrl'
  | 'userPoolId'
  | 'userPoolClientId'
  | 'userPoolIssuer'
  | 'eventBusName';

export interface LambdaFunctionDefinition {
  /** Logical name, unique in the app. */
  readonly name: string;
  /** Handler module (TypeScript), relative to the repository root. */
  readonly entry: string;
  /** Exported handler function. @default 'handler' */
  readonly handler?: string;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default {} */
  readonly environment?: Readonly<Record<string, EnvironmentValue>>;
}
