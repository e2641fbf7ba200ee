/**
 * The `@aws-appsync/utils/dynamodb` module: builders for the DynamoDB data-source requests of AppSync.
 *
 * Inputs are plain values; outputs are the typed requests the data source accepts. Recorded AWS outputs this
 * matches: keys and items via `util.dynamodb.toMapValues`; update expressions `SET #expName_1 = :expValue_1`,
 * `SET #expName_1 = #expName_1 + :expValue_1` (increment), `list_append(#expName_1, :expValue_1)` (append), one
 * `SET` list joined with `, ` then one `REMOVE` list, names numbered in output order and values separately; `null`
 * values are SET to `{ NULL: null }`; conditions, filters and key conditions rendered like
 * `util.transform.toDynamoDBFilterExpression`, with empty maps left out. Optional request fields that are
 * null/undefined are left out.
 */
import {
  type AttributeValue,
  toBinarySet,
  toDynamoDB,
  toMapValues,
  toNumberSet,
  toStringSet,
} from './dynamodb-values.js';
import { UtilArgumentError } from './errors.js';
import { renderFilter } from './filter-expressions.js';
import { isRecord, jsonEntries } from './values.js';

const OPERATION_TYPES = {
  add: 'OPERATION_ADD',
  remove: 'OPERATION_REMOVE',
  replace: 'OPERATION_REPLACE',
  increment: 'OPERATION_INCREMENT',
  decrement: 'OPERATION_DECREMENT',
  append: 'OPERATION_APPEND',
  prepend: 'OPERATION_PREPEND',
  updateListItem: 'OPERATION_UPDATE_LIST_ITEM',
} as const;

type OperationType = (typeof OPERATION_TYPES)[keyof typeof OPERATION_TYPES];
const KNOWN_OPERATION_TYPES = new Set<string>(Object.values(OPERATION_TYPES));

/** `operations.*`: markers placed in an `update` object (shapes as recorded on AWS). */
export const operations = Object.freeze({
  add: (value: unknown) => ({ type: OPERATION_TYPES.add, value }),
  remove: () => ({ type: OPERATION_TYPES.remove }),
  replace: (value: unknown) => ({ type: OPERATION_TYPES.replace, value }),
  increment: (by?: number) => ({ type: OPERATION_TYPES.increment, by: by ?? 1 }),
  decrement: (by?: number) => ({ type: OPERATION_TYPES.decrement, by: by ?? 1 }),
  append: (items: unknown[]) => ({ type: OPERATION_TYPES.append, items }),
  prepend: (items: unknown[]) => ({ type: OPERATION_TYPES.prepend, items }),
  updateListItem: (value: unknown, index: number) => ({ type: OPERATION_TYPES.updateListItem, value, index }),
});

function operationType(value: unknown): OperationType | null {
  return isRecord(value) && typeof value.type === 'string' && KNOWN_OPERATION_TYPES.has(value.type)
    ? (value.type as OperationType)
    : null;
}

/** Allocates `#expName_N` aliases; a name keeps its first alias. */
class NameAliases {
  readonly expressionNames: Record<string, string> = {};
  private readonly aliases = new Map<string, string>();

  alias(name: string): string {
    let alias = this.aliases.get(name);
    if (alias === undefined) {
      alias = `#expName_${this.aliases.size + 1}`;
      this.aliases.set(name, alias);
      this.expressionNames[alias] = name;
    }
    return alias;
  }
}

/** One step of a document path: an attribute (or map key) name, optionally followed by list indexes. */
interface PathSegment {
  readonly name: string;
  readonly indexes: readonly number[];
}

function renderPath(path: readonly PathSegment[], names: NameAliases): string {
  return path.map((s) => `${names.alias(s.name)}${s.indexes.map((i) => `[${i}]`).join('')}`).join('.');
}

interface UpdateAction {
  readonly section: 'SET' | 'REMOVE';
  readonly path: readonly PathSegment[];
  readonly type: OperationType | 'VALUE';
  readonly value?: unknown;
}

function collectUpdateActions(
  update: Record<string, unknown>,
  parent: readonly PathSegment[],
  into: UpdateAction[],
): void {
  for (const [name, value] of jsonEntries(update)) {
    const path = [...parent, { name, indexes: [] }];
    const type = operationType(value);
    const op = value as Record<string, unknown>;
    if (type === OPERATION_TYPES.remove) {
      into.push({ section: 'REMOVE', path, type });
    } else if (type === OPERATION_TYPES.updateListItem) {
      into.push(listItemAction(path, op));
    } else if (type === OPERATION_TYPES.increment || type === OPERATION_TYPES.decrement) {
      into.push({ section: 'SET', path, type, value: op.by });
    } else if (type === OPERATION_TYPES.append || type === OPERATION_TYPES.prepend) {
      into.push({ section: 'SET', path, type, value: op.items });
    } else if (type !== null) {
      into.push({ section: 'SET', path, type, value: op.value });
    } else if (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((v) => operationType(v) === OPERATION_TYPES.updateListItem)
    ) {
      for (const item of value as Record<string, unknown>[]) into.push(listItemAction(path, item));
    } else if (isRecord(value) && typeof value.toJSON !== 'function') {
      // A bare object updates only the keys it names (operations.replace replaces the whole map).
      collectUpdateActions(value, path, into);
    } else {
      into.push({ section: 'SET', path, type: 'VALUE', value: value ?? null });
    }
  }
}

function listItemAction(path: readonly PathSegment[], item: Record<string, unknown>): UpdateAction {
  const index = item.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    throw new UtilArgumentError('update', 'operations.updateListItem needs a non-negative integer index');
  }
  const last = path[path.length - 1];
  const indexed = [...path.slice(0, -1), { name: last?.name ?? '', indexes: [...(last?.indexes ?? []), index] }];
  return { section: 'SET', path: indexed, type: OPERATION_TYPES.updateListItem, value: item.value };
}

interface ExpressionObject {
  expression: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, AttributeValue>;
}

function withoutEmptyMaps(
  expression: string,
  expressionNames: Record<string, string>,
  expressionValues: Record<string, AttributeValue>,
): ExpressionObject {
  const out: ExpressionObject = { expression };
  if (Object.keys(expressionNames).length > 0) out.expressionNames = expressionNames;
  if (Object.keys(expressionValues).length > 0) out.expressionValues = expressionValues;
  return out;
}

/** An `update` object to `{ expression, expressionNames, expressionValues }`. */
function updateExpression(update: unknown, functionName: string): ExpressionObject {
  if (!isRecord(update)) throw new UtilArgumentError(functionName, 'update must be an object');
  const actions: UpdateAction[] = [];
  collectUpdateActions(update, [], actions);
  const names = new NameAliases();
  const values: Record<string, AttributeValue> = {};
  const valueAlias = (value: unknown): string => {
    const alias = `:expValue_${Object.keys(values).length + 1}`;
    values[alias] = toDynamoDB(value);
    return alias;
  };
  const render = (action: UpdateAction): string => {
    const path = renderPath(action.path, names);
    switch (action.type) {
      case OPERATION_TYPES.remove:
        return path;
      case OPERATION_TYPES.increment:
        return `${path} = ${path} + ${valueAlias(action.value)}`;
      case OPERATION_TYPES.decrement:
        return `${path} = ${path} - ${valueAlias(action.value)}`;
      case OPERATION_TYPES.append:
        return `${path} = list_append(${path}, ${valueAlias(action.value)})`;
      case OPERATION_TYPES.prepend:
        return `${path} = list_append(${valueAlias(action.value)}, ${path})`;
      default:
        return `${path} = ${valueAlias(action.value)}`;
    }
  };
  const sections: string[] = [];
  for (const section of ['SET', 'REMOVE'] as const) {
    const rendered = actions.filter((a) => a.section === section).map(render);
    if (rendered.length > 0) sections.push(`${section} ${rendered.join(', ')}`);
  }
  return withoutEmptyMaps(sections.join(' '), names.expressionNames, values);
}

const PATH_SEGMENT = /^([^[\]]+)((?:\[\d+\])*)$/;

/** `projection: ['id', 'a.b', 'list[1]']` to `{ expression: '#expName_1, #expName_2.#expName_3, …', expressionNames }`. */
function projectionExpression(projection: unknown, functionName: string): ExpressionObject | undefined {
  if (projection == null) return undefined;
  if (!Array.isArray(projection))
    throw new UtilArgumentError(functionName, 'projection must be a list of attribute paths');
  if (projection.length === 0) return undefined;
  const names = new NameAliases();
  const paths = (projection as unknown[]).map((path) => {
    if (typeof path !== 'string') throw new UtilArgumentError(functionName, 'projection paths must be strings');
    const segments = path.split('.').map((segment) => {
      const match = PATH_SEGMENT.exec(segment);
      if (match === null) throw new UtilArgumentError(functionName, `invalid projection path ${JSON.stringify(path)}`);
      const indexes = (match[2] ?? '').match(/\d+/g)?.map(Number) ?? [];
      return { name: match[1] ?? '', indexes };
    });
    return renderPath(segments, names);
  });
  return { expression: paths.join(', '), expressionNames: names.expressionNames };
}

/**
 * A filter object (condition, filter or key condition) as a request expression; undefined when absent or empty.
 * An already-rendered `{ expression, … }` object is passed through.
 */
function filterExpression(filter: unknown, functionName: string, field: string): ExpressionObject | undefined {
  if (filter == null) return undefined;
  if (isRecord(filter) && typeof filter.expression === 'string') return { ...filter } as unknown as ExpressionObject;
  const rendered = renderFilter(filter);
  if (rendered === null) throw new UtilArgumentError(functionName, `${field} is not a valid filter object`);
  if (rendered.expression === '') return undefined;
  return withoutEmptyMaps(rendered.expression, rendered.expressionNames, rendered.expressionValues);
}

function requireInput(payload: unknown, functionName: string): Record<string, unknown> {
  if (!isRecord(payload)) throw new UtilArgumentError(functionName, 'expected an input object');
  return payload;
}

function requireKey(key: unknown, functionName: string): Record<string, AttributeValue> {
  if (!isRecord(key)) throw new UtilArgumentError(functionName, 'key must be an object');
  return toMapValues(key) ?? {};
}

function requireTable(table: unknown, functionName: string): string {
  if (typeof table !== 'string' || table === '')
    throw new UtilArgumentError(functionName, 'table must be a table name');
  return table;
}

/** The fields whose value is neither null nor undefined, in order. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value != null));
}

function tablesOf(payload: Record<string, unknown>, functionName: string): [string, unknown][] {
  if (!isRecord(payload.tables)) throw new UtilArgumentError(functionName, 'tables must map table names to entries');
  return Object.entries(payload.tables);
}

function listOf(value: unknown, functionName: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UtilArgumentError(functionName, `${what} must be a list`);
  return value as unknown[];
}

/**
 * `get({ key, consistentRead?, projection? })` → GetItem.
 *
 * @example get({ key: { id: 'id' } }) // => { operation: 'GetItem', key: { id: { S: 'id' } } }
 */
function get(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'get');
  return defined({
    operation: 'GetItem',
    key: requireKey(input.key, 'get'),
    consistentRead: input.consistentRead,
    projection: projectionExpression(input.projection, 'get'),
  });
}

/**
 * `put({ key, item, condition?, … })` → PutItem.
 *
 * @example put({ key: { id: 'abc' }, item: { value: 10 } })
 * // => { operation: 'PutItem', key: { id: { S: 'abc' } }, attributeValues: { value: { N: 10 } } }
 */
function put(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'put');
  if (input.item != null && !isRecord(input.item)) throw new UtilArgumentError('put', 'item must be an object');
  return defined({
    operation: 'PutItem',
    key: requireKey(input.key, 'put'),
    attributeValues: toMapValues(input.item ?? {}),
    condition: filterExpression(input.condition, 'put', 'condition'),
    customPartitionKey: input.customPartitionKey,
    populateIndexFields: input.populateIndexFields,
    _version: input._version,
  });
}

/** `remove({ key, condition?, … })` → DeleteItem. */
function remove(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'remove');
  return defined({
    operation: 'DeleteItem',
    key: requireKey(input.key, 'remove'),
    condition: filterExpression(input.condition, 'remove', 'condition'),
    customPartitionKey: input.customPartitionKey,
    populateIndexFields: input.populateIndexFields,
    _version: input._version,
  });
}

/**
 * `update({ key, update, condition?, … })` → UpdateItem.
 *
 * @example update({ key: { id: 'test' }, update: { age: operations.increment(10) } })
 * // => { operation: 'UpdateItem', key: { id: { S: 'test' } }, update: { expression: 'SET #expName_1 = #expName_1 + :expValue_1',
 * //      expressionNames: { '#expName_1': 'age' }, expressionValues: { ':expValue_1': { N: 10 } } } }
 */
function update(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'update');
  return defined({
    operation: 'UpdateItem',
    key: requireKey(input.key, 'update'),
    update: updateExpression(input.update, 'update'),
    condition: filterExpression(input.condition, 'update', 'condition'),
    customPartitionKey: input.customPartitionKey,
    populateIndexFields: input.populateIndexFields,
    _version: input._version,
  });
}

/** `query({ query, index?, limit?, nextToken?, filter?, … })` → Query. */
function query(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'query');
  const keyCondition = filterExpression(input.query, 'query', 'query');
  if (keyCondition === undefined) throw new UtilArgumentError('query', 'query must name the partition key condition');
  return defined({
    operation: 'Query',
    query: keyCondition,
    index: input.index,
    nextToken: input.nextToken,
    limit: input.limit,
    scanIndexForward: input.scanIndexForward,
    consistentRead: input.consistentRead,
    select: input.select,
    filter: filterExpression(input.filter, 'query', 'filter'),
    projection: projectionExpression(input.projection, 'query'),
  });
}

/**
 * `scan({ index?, limit?, nextToken?, filter?, segment?, … })` → Scan.
 *
 * @example scan({ limit: 10, nextToken: 'abc' }) // => { operation: 'Scan', limit: 10, nextToken: 'abc' }
 */
function scan(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'scan');
  return defined({
    operation: 'Scan',
    index: input.index,
    limit: input.limit,
    consistentRead: input.consistentRead,
    nextToken: input.nextToken,
    totalSegments: input.totalSegments,
    segment: input.segment,
    select: input.select,
    filter: filterExpression(input.filter, 'scan', 'filter'),
    projection: projectionExpression(input.projection, 'scan'),
  });
}

/** `sync({ basePartitionKey?, deltaIndexName?, limit?, nextToken?, lastSync?, filter? })` → Sync (versioned sources). */
function sync(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'sync');
  return defined({
    operation: 'Sync',
    basePartitionKey: input.basePartitionKey,
    deltaIndexName: input.deltaIndexName,
    limit: input.limit,
    nextToken: input.nextToken,
    lastSync: input.lastSync,
    filter: filterExpression(input.filter, 'sync', 'filter'),
  });
}

/** `batchGet({ tables: { [table]: { keys, consistentRead?, projection? } } })` → BatchGetItem. */
function batchGet(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'batchGet');
  const tables = tablesOf(input, 'batchGet').map(([table, entry]) => {
    if (!isRecord(entry)) throw new UtilArgumentError('batchGet', `tables.${table} must be { keys, … }`);
    return [
      table,
      defined({
        keys: listOf(entry.keys, 'batchGet', `tables.${table}.keys`).map((key) => requireKey(key, 'batchGet')),
        consistentRead: entry.consistentRead,
        projection: projectionExpression(entry.projection, 'batchGet'),
      }),
    ];
  });
  return { operation: 'BatchGetItem', tables: Object.fromEntries(tables) };
}

/** `batchPut({ tables: { [table]: items } })` → BatchPutItem (items include their key attributes). */
function batchPut(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'batchPut');
  const tables = tablesOf(input, 'batchPut').map(([table, items]) => [
    table,
    listOf(items, 'batchPut', `tables.${table}`).map((item) => requireKey(item, 'batchPut')),
  ]);
  return { operation: 'BatchPutItem', tables: Object.fromEntries(tables) };
}

/** `batchDelete({ tables: { [table]: keys } })` → BatchDeleteItem. */
function batchDelete(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'batchDelete');
  const tables = tablesOf(input, 'batchDelete').map(([table, keys]) => [
    table,
    listOf(keys, 'batchDelete', `tables.${table}`).map((key) => requireKey(key, 'batchDelete')),
  ]);
  return { operation: 'BatchDeleteItem', tables: Object.fromEntries(tables) };
}

/** `transactGet({ items: [{ table, key, projection? }] })` → TransactGetItems. */
function transactGet(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'transactGet');
  const transactItems = listOf(input.items, 'transactGet', 'items').map((item) => {
    const entry = requireInput(item, 'transactGet');
    return defined({
      table: requireTable(entry.table, 'transactGet'),
      key: requireKey(entry.key, 'transactGet'),
      projection: projectionExpression(entry.projection, 'transactGet'),
    });
  });
  return { operation: 'TransactGetItems', transactItems };
}

/** One `transactWrite` item (`{ putItem }`, `{ updateItem }`, `{ deleteItem }` or `{ conditionCheck }`). */
function transactWriteItem(item: unknown): Record<string, unknown> {
  const fn = 'transactWrite';
  const entry = requireInput(item, fn);
  const kinds = ['putItem', 'updateItem', 'deleteItem', 'conditionCheck'].filter((kind) => entry[kind] != null);
  const kind = kinds[0];
  if (kinds.length !== 1 || kind === undefined) {
    throw new UtilArgumentError(fn, 'each item needs exactly one of putItem, updateItem, deleteItem, conditionCheck');
  }
  const write = requireInput(entry[kind], fn);
  const common = { table: requireTable(write.table, fn), key: requireKey(write.key, fn) };
  const condition = filterExpression(write.condition, fn, 'condition');
  switch (kind) {
    case 'putItem':
      return defined({ ...common, operation: 'PutItem', attributeValues: toMapValues(write.item ?? {}), condition });
    case 'updateItem':
      return defined({ ...common, operation: 'UpdateItem', update: updateExpression(write.update, fn), condition });
    case 'deleteItem':
      return defined({ ...common, operation: 'DeleteItem', condition });
    default:
      if (condition === undefined) throw new UtilArgumentError(fn, 'conditionCheck needs a condition');
      return defined({ ...common, operation: 'ConditionCheck', condition });
  }
}

/** `transactWrite({ items })` → TransactWriteItems. */
function transactWrite(payload: unknown): Record<string, unknown> {
  const input = requireInput(payload, 'transactWrite');
  return {
    operation: 'TransactWriteItems',
    transactItems: listOf(input.items, 'transactWrite', 'items').map(transactWriteItem),
  };
}

/** The exports of `@aws-appsync/utils/dynamodb`. */
export const dynamodbHelpers = Object.freeze({
  get,
  put,
  remove,
  update,
  query,
  scan,
  sync,
  batchGet,
  batchPut,
  batchDelete,
  transactGet,
  transactWrite,
  operations,
  toStringSet,
  toNumberSet,
  toBinarySet,
});
