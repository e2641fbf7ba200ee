/**
 * BatchGetItem, BatchPutItem and BatchDeleteItem across named tables. Results list every requested table in request
 * order, one entry per requested key/item (null when missing or unprocessed), plus the unprocessed ones.
 */
import type { KeysAndAttributes, WriteRequest } from '@aws-sdk/client-dynamodb';
import { expectArray, expectObject, optionalBoolean, requiredField, type JsonObject } from '../request-fields.js';
import { mergeExpressionAttributes, optionalExpression, type Expression } from './expressions.js';
import { REQUEST_PATH, type Operation, type OperationContext } from './operation.js';
import { canonicalAttributeMap, fromAttributeMap, toAttributeMap, type AttributeMap } from './typed-values.js';

type PlainItem = Record<string, unknown>;

function readTables(request: JsonObject, path: string): [string, unknown][] {
  return Object.entries(expectObject(requiredField(request, 'tables', path), `${path}.tables`));
}

function readMaps(value: unknown, path: string): AttributeMap[] {
  return expectArray(value, path).map((map, i) => toAttributeMap(map, `${path}[${i}]`));
}

function pick(item: AttributeMap, names: readonly string[]): AttributeMap {
  return Object.fromEntries(names.flatMap((name) => (item[name] === undefined ? [] : [[name, item[name]]])));
}

/** Top-level attribute names of a projection expression's document paths (`#a.b, c[1]` → a, c). */
function projectedTopLevelNames(projection: Expression): Set<string> {
  const names = new Set<string>();
  for (const documentPath of projection.expression.split(',')) {
    const first = documentPath.trim().split(/[.[]/)[0] ?? '';
    names.add(first.startsWith('#') ? projection.names[first] ?? first : first);
  }
  return names;
}

/**
 * Items are matched to requested keys by their key attributes, so a projection must include them; the ones added
 * only for matching are removed from the results again.
 */
function projectionWithKeys(
  projection: Expression,
  keyNames: readonly string[],
): { projection: Expression; addedKeyNames: string[] } {
  const projected = projectedTopLevelNames(projection);
  const addedKeyNames = keyNames.filter((name) => !projected.has(name));
  const names: Record<string, string> = { ...projection.names };
  const placeholders = addedKeyNames.map((name, i) => {
    const placeholder = `#appsyncLocalKey${i}`;
    names[placeholder] = name;
    return placeholder;
  });
  return {
    projection: { ...projection, expression: [projection.expression, ...placeholders].join(', '), names },
    addedKeyNames,
  };
}

interface BatchGetTable {
  readonly table: string;
  readonly keys: AttributeMap[];
  readonly keyNames: string[];
  readonly addedKeyNames: string[];
  readonly request: KeysAndAttributes;
}

function readBatchGetTable(table: string, spec: unknown, tablesPath: string): BatchGetTable {
  const tablePath = `${tablesPath}.${table}`;
  // The AppSync guide's example passes the key list directly; its type and samples use `{ keys, … }`.
  const specObject: JsonObject = Array.isArray(spec) ? { keys: spec } : expectObject(spec, tablePath);
  const keys = readMaps(requiredField(specObject, 'keys', tablePath), `${tablePath}.keys`);
  const keyNames = [...new Set(keys.flatMap((key) => Object.keys(key)))];
  const givenProjection = optionalExpression(specObject, 'projection', tablePath);
  const { projection, addedKeyNames } =
    givenProjection === undefined
      ? { projection: undefined, addedKeyNames: [] }
      : projectionWithKeys(givenProjection, keyNames);
  return {
    table,
    keys,
    keyNames,
    addedKeyNames,
    request: {
      Keys: keys,
      ConsistentRead: optionalBoolean(specObject, 'consistentRead', tablePath),
      ProjectionExpression: projection?.expression,
      ...mergeExpressionAttributes([projection], `${tablePath}.projection`),
    },
  };
}

export const batchGetItem: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const tables = readTables(request, path).map(([table, spec]) => readBatchGetTable(table, spec, `${path}.tables`));
  const output = await context.client.send('BatchGetItem', {
    RequestItems: Object.fromEntries(tables.map(({ table, request }) => [table, request])),
  });
  const data: Record<string, (PlainItem | null)[]> = {};
  const unprocessedKeys: Record<string, PlainItem[]> = {};
  for (const { table, keys, keyNames, addedKeyNames } of tables) {
    const found = new Map<string, AttributeMap>();
    for (const item of output.Responses?.[table] ?? []) {
      found.set(canonicalAttributeMap(pick(item, keyNames)), item);
    }
    data[table] = keys.map((key) => {
      const item = found.get(canonicalAttributeMap(key));
      if (item === undefined) return null;
      const plain = fromAttributeMap(item);
      for (const name of addedKeyNames) delete plain[name];
      return plain;
    });
    unprocessedKeys[table] = (output.UnprocessedKeys?.[table]?.Keys ?? []).map(fromAttributeMap);
  }
  return { result: { data, unprocessedKeys } };
};

/** Runs one BatchWriteItem; returns the unprocessed items or keys per table. */
async function batchWrite(
  context: OperationContext,
  requestItems: Record<string, WriteRequest[]>,
  unprocessedMap: (request: WriteRequest) => AttributeMap | undefined,
): Promise<Record<string, AttributeMap[]>> {
  const output = await context.client.send('BatchWriteItem', { RequestItems: requestItems });
  const unprocessed: Record<string, AttributeMap[]> = {};
  for (const [table, requests] of Object.entries(output.UnprocessedItems ?? {})) {
    unprocessed[table] = requests.flatMap((writeRequest) => {
      const map = unprocessedMap(writeRequest);
      return map === undefined ? [] : [map];
    });
  }
  return unprocessed;
}

/** Shared shape of BatchPutItem/BatchDeleteItem results: written maps (or null) and the unprocessed ones. */
function writeResult(
  tables: [string, AttributeMap[]][],
  unprocessed: Record<string, AttributeMap[]>,
): { data: Record<string, (PlainItem | null)[]>; unprocessed: Record<string, PlainItem[]> } {
  const data: Record<string, (PlainItem | null)[]> = {};
  const unprocessedPlain: Record<string, PlainItem[]> = {};
  for (const [table, maps] of tables) {
    const unprocessedForms = new Set((unprocessed[table] ?? []).map(canonicalAttributeMap));
    data[table] = maps.map((map) => (unprocessedForms.has(canonicalAttributeMap(map)) ? null : fromAttributeMap(map)));
    unprocessedPlain[table] = (unprocessed[table] ?? []).map(fromAttributeMap);
  }
  return { data, unprocessed: unprocessedPlain };
}

export const batchPutItem: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const tables = readTables(request, path).map(([table, items]): [string, AttributeMap[]] => [
    table,
    readMaps(items, `${path}.tables.${table}`),
  ]);
  const unprocessed = await batchWrite(
    context,
    Object.fromEntries(tables.map(([table, items]) => [table, items.map((Item) => ({ PutRequest: { Item } }))])),
    (writeRequest) => writeRequest.PutRequest?.Item,
  );
  const result = writeResult(tables, unprocessed);
  return { result: { data: result.data, unprocessedItems: result.unprocessed } };
};

export const batchDeleteItem: Operation = async (request, context) => {
  const path = REQUEST_PATH;
  const tables = readTables(request, path).map(([table, keys]): [string, AttributeMap[]] => [
    table,
    readMaps(keys, `${path}.tables.${table}`),
  ]);
  const unprocessed = await batchWrite(
    context,
    Object.fromEntries(tables.map(([table, keys]) => [table, keys.map((Key) => ({ DeleteRequest: { Key } }))])),
    (writeRequest) => writeRequest.DeleteRequest?.Key,
  );
  const result = writeResult(tables, unprocessed);
  return { result: { data: result.data, unprocessedKeys: result.unprocessed } };
};
