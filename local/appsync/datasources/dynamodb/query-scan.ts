/** Query and Scan: `{ items, nextToken, scannedCount }` with opaque, resolver-scoped tokens. */
import type { Select } from '@aws-sdk/client-dynamodb';
import { MalformedRequestError } from '../errors.js';
import { optionalBoolean, optionalInteger, optionalString, type JsonObject } from '../request-fields.js';
import type { DataSourceResponse } from '../types.js';
import { mergeExpressionAttributes, optionalExpression, requiredExpression } from './expressions.js';
import { REQUEST_PATH, type Operation, type OperationContext } from './operation.js';
import { fromAttributeMap, type AttributeMap } from './typed-values.js';

const SELECT_VALUES: readonly string[] = ['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES'];

/** `select` is sent only when given: DynamoDB refuses `ALL_ATTRIBUTES` on indexes that do not project everything. */
function optionalSelect(request: JsonObject, path: string): Select | undefined {
  const select = optionalString(request, 'select', path);
  if (select !== undefined && !SELECT_VALUES.includes(select)) {
    throw new MalformedRequestError(`${path}.select`, `expected one of ${SELECT_VALUES.join(', ')}`);
  }
  return select as Select | undefined;
}

function exclusiveStartKey(request: JsonObject, path: string, context: OperationContext): AttributeMap | undefined {
  const nextToken = optionalString(request, 'nextToken', path);
  return nextToken === undefined
    ? undefined
    : context.tokens.decode(nextToken, { scope: context.scope, table: context.tableName });
}

function page(
  context: OperationContext,
  items: AttributeMap[] | undefined,
  lastEvaluatedKey: AttributeMap | undefined,
  scannedCount: number | undefined,
): DataSourceResponse {
  return {
    result: {
      items: (items ?? []).map(fromAttributeMap),
      nextToken: context.tokens.encode(lastEvaluatedKey, { scope: context.scope, table: context.tableName }),
      scannedCount: scannedCount ?? 0,
    },
  };
}

export const query: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const keyCondition = requiredExpression(request, 'query', path);
  const filter = optionalExpression(request, 'filter', path);
  const projection = optionalExpression(request, 'projection', path);
  const parameters = {
    TableName: context.tableName,
    IndexName: optionalString(request, 'index', path),
    KeyConditionExpression: keyCondition.expression,
    FilterExpression: filter?.expression,
    ProjectionExpression: projection?.expression,
    ...mergeExpressionAttributes([keyCondition, filter, projection], path),
    Limit: optionalInteger(request, 'limit', path),
    ScanIndexForward: optionalBoolean(request, 'scanIndexForward', path),
    ConsistentRead: optionalBoolean(request, 'consistentRead', path),
    Select: optionalSelect(request, path),
    ExclusiveStartKey: exclusiveStartKey(request, path, context),
  };
  const output = await context.client.send('Query', parameters);
  return page(context, output.Items, output.LastEvaluatedKey, output.ScannedCount);
};

export const scan: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const filter = optionalExpression(request, 'filter', path);
  const projection = optionalExpression(request, 'projection', path);
  const parameters = {
    TableName: context.tableName,
    IndexName: optionalString(request, 'index', path),
    FilterExpression: filter?.expression,
    ProjectionExpression: projection?.expression,
    ...mergeExpressionAttributes([filter, projection], path),
    Limit: optionalInteger(request, 'limit', path),
    ConsistentRead: optionalBoolean(request, 'consistentRead', path),
    Select: optionalSelect(request, path),
    Segment: optionalInteger(request, 'segment', path),
    TotalSegments: optionalInteger(request, 'totalSegments', path),
    ExclusiveStartKey: exclusiveStartKey(request, path, context),
  };
  const output = await context.client.send('Scan', parameters);
  return page(context, output.Items, output.LastEvaluatedKey, output.ScannedCount);
};
