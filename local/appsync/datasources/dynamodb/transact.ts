/**
 * TransactGetItems and TransactWriteItems. A cancelled transaction reports `cancellationReasons` (one per item, in
 * request order, with the current `item` when asked for) next to the `DynamoDB:TransactionCanceledException` error.
 */
import type { CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { MalformedRequestError } from '../errors.js';
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
  type ExpressionAttributeParameters,
} from './expressions.js';
import { REQUEST_PATH, type Operation } from './operation.js';
import { isDynamoDbServiceError, toDataSourceError } from './service-errors.js';
import { fromAttributeMap, fromOptionalAttributeMap, toAttributeMap, type AttributeMap } from './typed-values.js';

function readTransactItems(request: JsonObject, path: string): { item: JsonObject; itemPath: string }[] {
  const itemsPath = `${path}.transactItems`;
  return expectArray(requiredField(request, 'transactItems', path), itemsPath).map((item, i) => {
    const itemPath = `${itemsPath}[${i}]`;
    return { item: expectObject(item, itemPath), itemPath };
  });
}

function toCancellationReasons(reasons: readonly CancellationReason[] | undefined): unknown[] {
  return (reasons ?? []).map(({ Code, Message, Item }) => ({
    ...(Item === undefined ? {} : { item: fromAttributeMap(Item) }),
    type: Code ?? 'None',
    message: Message ?? Code ?? 'None',
  }));
}

/** Runs a transaction; a cancellation becomes `{ [cancelledField]: null, cancellationReasons }` plus the error. */
async function runTransaction(
  send: () => Promise<DataSourceResponse>,
  cancelledField: 'items' | 'keys',
): Promise<DataSourceResponse> {
  try {
    return await send();
  } catch (error) {
    if (!isDynamoDbServiceError(error) || error.exceptionName !== 'TransactionCanceledException') throw error;
    return {
      result: {
        [cancelledField]: null,
        cancellationReasons: toCancellationReasons(error.details.CancellationReasons),
      },
      error: toDataSourceError(error),
    };
  }
}

export const transactGetItems: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const gets = readTransactItems(request, path).map(({ item, itemPath }) => {
    const projection = optionalExpression(item, 'projection', itemPath);
    return {
      Get: {
        TableName: expectString(requiredField(item, 'table', itemPath), `${itemPath}.table`),
        Key: toAttributeMap(requiredField(item, 'key', itemPath), `${itemPath}.key`),
        ProjectionExpression: projection?.expression,
        ...mergeExpressionAttributes([projection], itemPath),
      },
    };
  });
  return runTransaction(async () => {
    const { Responses } = await context.client.send('TransactGetItems', { TransactItems: gets });
    return {
      result: { items: (Responses ?? []).map(({ Item }) => fromOptionalAttributeMap(Item)), cancellationReasons: null },
    };
  }, 'items');
};

/** A transaction item's `condition` (AppSync's `TransactConditionCheckExpression`). */
interface TransactCondition extends Expression {
  readonly returnValuesOnConditionCheckFailure: boolean;
}

function readTransactCondition(item: JsonObject, itemPath: string): TransactCondition | undefined {
  const value = optionalField(item, 'condition');
  if (value === undefined) return undefined;
  const conditionPath = `${itemPath}.condition`;
  const object = expressionObject(value, conditionPath);
  return {
    ...readExpression(object, conditionPath),
    returnValuesOnConditionCheckFailure:
      optionalBoolean(object, 'returnValuesOnConditionCheckFailure', conditionPath) ?? false,
  };
}

/** The condition of a transaction item plus the merged substitutions of its expressions. */
function conditionParameters(
  condition: TransactCondition | undefined,
  itemPath: string,
  update?: Expression,
): { ConditionExpression?: string; ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' } & ExpressionAttributeParameters {
  return {
    ...(condition === undefined ? {} : { ConditionExpression: condition.expression }),
    ...(condition?.returnValuesOnConditionCheckFailure === true
      ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }
      : {}),
    ...mergeExpressionAttributes([update, condition], itemPath),
  };
}

/** One `transactItems` entry as a DynamoDB transaction item, with its key for the result's `keys`. */
function toTransactWriteItem(item: JsonObject, itemPath: string): { write: TransactWriteItem; key: AttributeMap } {
  const operation = expectString(requiredField(item, 'operation', itemPath), `${itemPath}.operation`);
  const TableName = expectString(requiredField(item, 'table', itemPath), `${itemPath}.table`);
  const Key = toAttributeMap(requiredField(item, 'key', itemPath), `${itemPath}.key`);
  const condition = readTransactCondition(item, itemPath);
  switch (operation) {
    case 'PutItem': {
      const attributeValues = optionalField(item, 'attributeValues');
      const Item = {
        ...(attributeValues === undefined ? {} : toAttributeMap(attributeValues, `${itemPath}.attributeValues`)),
        ...Key,
      };
      return {
        write: {
          Put: { TableName, Item, ...conditionParameters(condition, itemPath) },
        },
        key: Key,
      };
    }
    case 'UpdateItem': {
      const update = requiredExpression(item, 'update', itemPath);
      return {
        write: {
          Update: {
            TableName,
            Key,
            UpdateExpression: update.expression,
            ...conditionParameters(condition, itemPath, update),
          },
        },
        key: Key,
      };
    }
    case 'DeleteItem':
      return {
        write: {
          Delete: { TableName, Key, ...conditionParameters(condition, itemPath) },
        },
        key: Key,
      };
    case 'ConditionCheck':
      if (condition === undefined) {
        throw new MalformedRequestError(`${itemPath}.condition`, 'a ConditionCheck item needs a condition');
      }
      return {
        write: {
          ConditionCheck: {
            TableName,
            Key,
            ConditionExpression: condition.expression,
            ...conditionParameters(condition, itemPath),
          },
        },
        key: Key,
      };
    default:
      throw new MalformedRequestError(
        `${itemPath}.operation`,
        `expected PutItem, UpdateItem, DeleteItem or ConditionCheck, got "${operation}"`,
      );
  }
}

export const transactWriteItems: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const prepared = readTransactItems(request, path).map(({ item, itemPath }) => toTransactWriteItem(item, itemPath));
  return runTransaction(async () => {
    await context.client.send('TransactWriteItems', { TransactItems: prepared.map(({ write }) => write) });
    return { result: { keys: prepared.map(({ key }) => fromAttributeMap(key)), cancellationReasons: null } };
  }, 'keys');
};
