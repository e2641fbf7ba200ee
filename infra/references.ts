/**
 * What a function's environment references mean on AWS: each `{ tableName }` or `{ output }` value becomes a
 * CloudFormation token in the function's environment, plus exactly the grant that using it needs.
 */
import { Annotations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { AppOutput, EnvironmentValue } from '../local/lambda/description.js';
import type { ChatAuth } from './constructs/auth.js';
import type { ChatFunction } from './constructs/functions.js';
import type { ChatGraphqlApi } from './constructs/graphql-api.js';
import type { ChatWebSocketApi } from './constructs/websocket-api.js';
import { UnknownNameError } from './errors.js';
import { acknowledgeTableIndexes, acknowledgeWildcardResource } from './nag.js';

/** The deployed resources references can point at. */
export interface ReferenceTargets {
  readonly tableNamed: (name: string, usedBy: string) => ITable;
  readonly auth: ChatAuth;
  readonly graphql: ChatGraphqlApi;
  readonly eventBus: IEventBus;
  /** Absent when the app has no WebSocket API. */
  readonly webSocket?: ChatWebSocketApi;
}

/**
 * Sets each function's referencing environment variables and grants what they imply:
 * - `{ tableName }`: read/write data on that table (and its indexes);
 * - `graphqlUrl`: `appsync:GraphQL` on each root field the schema opens to IAM, field by field;
 * - `websocketManagementUrl`: `execute-api:ManageConnections` on the stage's `@connections`;
 * - `eventBusName`: `events:PutEvents` on the bus;
 * - `userPoolId`, `userPoolClientId`, `userPoolIssuer`: nothing (verifying tokens needs only the public JWKS).
 *
 * A function that references nothing gets no permission beyond its own log group (and X-Ray).
 *
 * @throws {@link UnknownNameError} for a table the description does not define, or `websocketManagementUrl` in an
 *   app without a WebSocket API
 * @example
 * ```ts
 * bindFunctionReferences(functions.functions.values(), { tableNamed, auth, graphql, eventBus, webSocket });
 * ```
 */
export function bindFunctionReferences(functions: Iterable<ChatFunction>, targets: ReferenceTargets): void {
  for (const chatFunction of functions) {
    const { definition, function: fn, role } = chatFunction;
    const grantedOutputs = new Set<AppOutput>();
    const grantedTables = new Set<string>();
    for (const [variable, value] of Object.entries(definition.environment ?? {})) {
      if (typeof value === 'string') continue;
      const usedBy = `variable ${variable} of function ${definition.name}`;
      fn.addEnvironment(variable, resolveReference(value, targets, usedBy));
      if ('tableName' in value) {
        if (grantedTables.has(value.tableName)) continue;
        grantedTables.add(value.tableName);
        const table = targets.tableNamed(value.tableName, usedBy);
        table.grantReadWriteData(fn);
        acknowledgeTableIndexes(role, table);
        continue;
      }
      if (grantedOutputs.has(value.output)) continue;
      grantedOutputs.add(value.output);
      switch (value.output) {
        case 'graphqlUrl':
          if (!targets.graphql.grantIamFields(fn)) {
            Annotations.of(fn).addWarningV2(
              'wavechat:graphql-no-iam-fields',
              `${definition.name} calls the GraphQL API, but the schema opens no root field to IAM (@aws_iam)`,
            );
          }
          break;
        case 'websocketManagementUrl': {
          const grant = webSocketOf(targets, usedBy).stage.grantManagementApiAccess(fn);
          for (const resource of grant.principalStatements.flatMap((statement) => statement.resources)) {
            acknowledgeWildcardResource(
              role,
              resource,
              'Connection ids are created at run time: the grant covers @connections/* of this API and stage only.',
            );
          }
          break;
        }
        case 'eventBusName':
          targets.eventBus.grantPutEventsTo(fn);
          break;
        case 'userPoolId':
        case 'userPoolClientId':
        case 'userPoolIssuer':
          break;
      }
    }
  }
}

function resolveReference(value: Exclude<EnvironmentValue, string>, targets: ReferenceTargets, usedBy: string): string {
  if ('tableName' in value) return targets.tableNamed(value.tableName, usedBy).tableName;
  switch (value.output) {
    case 'graphqlUrl':
      return targets.graphql.api.graphqlUrl;
    case 'websocketManagementUrl':
      return webSocketOf(targets, usedBy).managementUrl;
    case 'userPoolId':
      return targets.auth.userPool.userPoolId;
    case 'userPoolClientId':
      return targets.auth.userPoolClient.userPoolClientId;
    case 'userPoolIssuer':
      return targets.auth.issuer;
    case 'eventBusName':
      return targets.eventBus.eventBusName;
  }
}

function webSocketOf(targets: ReferenceTargets, usedBy: string): ChatWebSocketApi {
  if (!targets.webSocket) throw new UnknownNameError('WebSocket API', 'websocketManagementUrl', usedBy);
  return targets.webSocket;
}
