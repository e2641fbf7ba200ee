/** GetItem, PutItem, UpdateItem and DeleteItem on the data source's table, with AppSync's conditional-failure rules. */
import { MalformedRequestError, UnsupportedRequestError } from '../errors.js';
import {
  expectArray,
  expectObject,
  expectString,
  optionalBoolean,
  optionalField,
  requiredField,
  type JsonObject,
} from '../request-fields.js';
import type { DataSourceResponse } from '../types.js';
import {
  expressionObject,
  mergeExpressionAttributes,
  optionalExpression,
  readExpression,
  requiredExpression,
  type Expression,
} from './expressions.js';
import type { DynamoDbServiceError } from '../../../dynamodb/errors.js';
import { REQUEST_PATH, type Operation, type OperationContext } from './operation.js';
import { isConditionalCheckFailed, toDataSourceError } from './service-errors.js';
import {
  canonicalAttributeMap,
  fromAttributeMap,
  fromOptionalAttributeMap,
  toAttributeMap,
  type AttributeMap,
} from './typed-values.js';

/** `condition` of PutItem/UpdateItem/DeleteItem (AppSync's `ConditionCheckExpression`). */
interface Condition extends Expression {
  /** PutItem only: attributes left out when comparing the stored item with the attempted one. */
  readonly equalsIgnore: readonly string[];
  /** Whether the re-read after a failed check is strongly consistent (AppSync's default: yes). */
  readonly consistentRead: boolean;
}

function readCondition(request: JsonObject, path: string): Condition | undefined {
  const value = optionalField(request, 'condition');
  if (value === undefined) return undefined;
  const conditionPath = `${path}.condition`;
  const object = expressionObject(value, conditionPath);
  const equalsIgnoreField = optionalField(object, 'equalsIgnore');
  const equalsIgnore =
    equalsIgnoreField === undefined
      ? []
      : expectArray(equalsIgnoreField, `${conditionPath}.equalsIgnore`).map((name, i) =>
          expectString(name, `${conditionPath}.equalsIgnore[${i}]`),
        );
  const handlerField = optionalField(object, 'conditionalCheckFailedHandler');
  if (handlerField !== undefined) {
    const handlerPath = `${conditionPath}.conditionalCheckFailedHandler`;
    const strategyPath = `${handlerPath}.strategy`;
    const handler = expectObject(handlerField, handlerPath);
    const strategy = expectString(requiredField(handler, 'strategy', handlerPath), strategyPath);
    if (strategy === 'Custom') {
      throw new UnsupportedRequestError(strategyPath, 'the Custom strategy (a Lambda by ARN) is not emulated locally');
    }
    if (strategy !== 'Reject') throw new MalformedRequestError(strategyPath, 'expected "Reject" or "Custom"');
  }
  return {
    ...readExpression(object, conditionPath),
    equalsIgnore,
    consistentRead: optionalBoolean(object, 'consistentRead', conditionPath) ?? true,
  };
}

function readKey(request: JsonObject, path: string): AttributeMap {
  return toAttributeMap(requiredField(request, 'key', path), `${path}.key`);
}

async function readCurrentItem(
  { client, tableName }: OperationContext,
  key: AttributeMap,
  consistentRead: boolean,
): Promise<AttributeMap | undefined> {
  const { Item } = await client.send('GetItem', { TableName: tableName, Key: key, ConsistentRead: consistentRead });
  return Item;
}

function withoutAttributes(item: AttributeMap, ignored: readonly string[]): AttributeMap {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !ignored.includes(name)));
}

export const getItem: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const key = readKey(request, path);
  const consistentRead = optionalBoolean(request, 'consistentRead', path);
  const projection = optionalExpression(request, 'projection', path);
  const { Item } = await context.client.send('GetItem', {
    TableName: context.tableName,
    Key: key,
    ConsistentRead: consistentRead,
    ProjectionExpression: projection?.expression,
    ...mergeExpressionAttributes([projection], path),
  });
  return { result: fromOptionalAttributeMap(Item) };
};

/**
 * Writes `key ∪ attributeValues`. When the condition fails, AppSync re-reads the item: if it already equals the
 * attempted one (ignoring `equalsIgnore`) the put counts as done, otherwise the error carries the current item.
 */
export const putItem: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const key = readKey(request, path);
  const attributeValuesField = optionalField(request, 'attributeValues');
  const attributeValues =
    attributeValuesField === undefined ? {} : toAttributeMap(attributeValuesField, `${path}.attributeValues`);
  const item: AttributeMap = { ...attributeValues, ...key };
  const condition = readCondition(request, path);
  try {
    await context.client.send('PutItem', {
      TableName: context.tableName,
      Item: item,
      ConditionExpression: condition?.expression,
      ...mergeExpressionAttributes([condition], path),
    });
    return { result: fromAttributeMap(item) };
  } catch (error) {
    if (condition === undefined || !isConditionalCheckFailed(error)) throw error;
    const current = await readCurrentItem(context, key, condition.consistentRead);
    if (
      current !== undefined &&
      canonicalAttributeMap(withoutAttributes(current, condition.equalsIgnore)) ===
        canonicalAttributeMap(withoutAttributes(item, condition.equalsIgnore))
    ) {
      return { result: fromAttributeMap(current) };
    }
    return rejected(error, current);
  }
};

/** AppSync's `Reject` strategy: the error, with the item as it is now in `ctx.result`. */
function rejected(error: DynamoDbServiceError, current: AttributeMap | undefined): DataSourceResponse {
  return { result: fromOptionalAttributeMap(current), error: toDataSourceError(error) };
}

/** A failed condition is reported as is (AppSync does not compare items for updates). */
export const updateItem: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const key = readKey(request, path);
  const update = requiredExpression(request, 'update', path);
  const condition = readCondition(request, path);
  const { Attributes } = await context.client.send('UpdateItem', {
    TableName: context.tableName,
    Key: key,
    UpdateExpression: update.expression,
    ConditionExpression: condition?.expression,
    ...mergeExpressionAttributes([update, condition], path),
    ReturnValues: 'ALL_NEW',
  });
  return { result: fromOptionalAttributeMap(Attributes) };
};

/** Returns the deleted item. A failed condition on an item that no longer exists counts as done. */
export const deleteItem: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const key = readKey(request, path);
  const condition = readCondition(request, path);
  try {
    const { Attributes } = await context.client.send('DeleteItem', {
      TableName: context.tableName,
      Key: key,
      ConditionExpression: condition?.expression,
      ...mergeExpressionAttributes([condition], path),
      ReturnValues: 'ALL_OLD',
    });
    return { result: fromOptionalAttributeMap(Attributes) };
  } catch (error) {
    if (condition === undefined || !isConditionalCheckFailed(error)) throw error;
    const current = await readCurrentItem(context, key, condition.consistentRead);
    if (current === undefined) return { result: null };
    return rejected(error, current);
  }
};
