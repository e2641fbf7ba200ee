/**
 * Subscription filtering: AppSync's enhanced filters (`extensions.setSubscriptionFilter`) and basic argument
 * filtering. Matching runs for every subscriber on every published event, so filters are compiled once (field paths
 * split, operator tests built) and matching allocates nothing.
 *
 * Semantics where AppSync's documentation is silent:
 * - A missing field reads as null: `eq null` matches it, `ne "x"` matches it.
 * - `ne`, `notContains` and `notIn` are the exact negations of `eq`, `contains` and `in`.
 * - Ordering operators and `between` compare numbers with numbers and strings with strings (UTF-16 code-unit order,
 *   as Java's `String.compareTo`); a field of another type never matches.
 * - `contains` tests a substring on a string field and membership on a list field; `containsAny` needs a list field.
 * - An empty `filterGroup` or an empty `filters` list is refused rather than silently matching nothing or everything.
 */
import { SubscriptionFilterError } from './errors.js';
import type { FieldFilter, FilterOperator, SubscriptionFilter } from './types.js';

/** AppSync's limits on one subscription filter. */
export const SUBSCRIPTION_FILTER_LIMITS = {
  filterGroups: 10,
  filtersPerGroup: 5,
  inValues: 5,
  containsAnyValues: 20,
  fieldNameLength: 256,
  fieldNameDepth: 5,
} as const;

const OPERATORS: ReadonlySet<string> = new Set<FilterOperator>([
  'eq',
  'ne',
  'le',
  'lt',
  'ge',
  'gt',
  'contains',
  'notContains',
  'beginsWith',
  'in',
  'notIn',
  'between',
  'containsAny',
]);

type Comparable = string | number;
type FieldTest = (fieldValue: unknown) => boolean;

interface CompiledFilter {
  readonly path: readonly string[];
  readonly test: FieldTest;
}

type CompiledGroups = readonly (readonly CompiledFilter[])[];

const compiledFilters = new WeakMap<SubscriptionFilter, CompiledGroups>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isComparable(value: unknown): value is Comparable {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function invalidValue(operator: string, detail: string): SubscriptionFilterError {
  return new SubscriptionFilterError(
    `subscription filter has invalid filter value for operator \`${operator}\`. ${detail}`,
  );
}

function checkList(operator: string, value: unknown, max: number): Comparable[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isComparable)) {
    throw invalidValue(operator, 'Expected a non-empty list of strings or numbers.');
  }
  if (value.length > max) {
    throw invalidValue(operator, `At most ${max} values are allowed; got ${value.length}.`);
  }
  return Object.freeze([...value]) as Comparable[];
}

/** Checks an operator's value and returns an immutable copy of it. */
function checkedValue(operator: FilterOperator, value: unknown): unknown {
  switch (operator) {
    case 'eq':
    case 'ne':
      if (isComparable(value) || typeof value === 'boolean' || value === null) return value;
      throw invalidValue(operator, 'Expected a string, number, boolean or null.');
    case 'le':
    case 'lt':
    case 'ge':
    case 'gt':
    case 'contains':
    case 'notContains':
      if (isComparable(value)) return value;
      throw invalidValue(operator, 'Expected a string or number.');
    case 'beginsWith':
      if (typeof value === 'string') return value;
      throw invalidValue(operator, 'Expected a string.');
    case 'in':
    case 'notIn':
      return checkList(operator, value, SUBSCRIPTION_FILTER_LIMITS.inValues);
    case 'containsAny':
      return checkList(operator, value, SUBSCRIPTION_FILTER_LIMITS.containsAnyValues);
    case 'between':
      if (Array.isArray(value) && value.length === 2 && isComparable(value[0]) && typeof value[0] === typeof value[1]) {
        return Object.freeze([value[0], value[1]]);
      }
      throw invalidValue(operator, 'Expected a list of two strings or two numbers: [low, high].');
  }
}

function checkFieldName(fieldName: unknown): string {
  if (typeof fieldName !== 'string' || fieldName === '') {
    throw new SubscriptionFilterError('subscription filter has a filter without a `fieldName`.');
  }
  if (fieldName.length > SUBSCRIPTION_FILTER_LIMITS.fieldNameLength) {
    throw new SubscriptionFilterError(
      `subscription filter has invalid field name \`${fieldName.slice(0, 40)}…\`: ` +
        `at most ${SUBSCRIPTION_FILTER_LIMITS.fieldNameLength} characters are allowed.`,
    );
  }
  const segments = fieldName.split('.');
  if (segments.includes('')) {
    throw new SubscriptionFilterError(`subscription filter has invalid field name \`${fieldName}\`.`);
  }
  if (segments.length > SUBSCRIPTION_FILTER_LIMITS.fieldNameDepth) {
    throw new SubscriptionFilterError(
      `subscription filter has invalid field name \`${fieldName}\`: ` +
        `at most ${SUBSCRIPTION_FILTER_LIMITS.fieldNameDepth} levels of nesting are allowed.`,
    );
  }
  return fieldName;
}

function checkFilter(filter: unknown): FieldFilter {
  if (!isRecord(filter)) {
    throw new SubscriptionFilterError('subscription filter has a filter that is not an object.');
  }
  const fieldName = checkFieldName(filter['fieldName']);
  const operator = filter['operator'];
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
    throw new SubscriptionFilterError(`subscription filter has invalid operator \`${String(operator)}\`.`);
  }
  const value = checkedValue(operator as FilterOperator, filter['value']);
  return Object.freeze({ fieldName, operator: operator as FilterOperator, value });
}

function checkGroup(group: unknown): { readonly filters: readonly FieldFilter[] } {
  const filters = isRecord(group) ? group['filters'] : undefined;
  if (!Array.isArray(filters) || filters.length === 0) {
    throw new SubscriptionFilterError('subscription filter group must have a non-empty `filters` list.');
  }
  if (filters.length > SUBSCRIPTION_FILTER_LIMITS.filtersPerGroup) {
    throw new SubscriptionFilterError(
      `subscription filter group has ${filters.length} filters; ` +
        `at most ${SUBSCRIPTION_FILTER_LIMITS.filtersPerGroup} are allowed.`,
    );
  }
  return Object.freeze({ filters: Object.freeze(filters.map(checkFilter)) });
}

/** Compares same-typed values; `undefined` when the field's type cannot be ordered against the operand. */
function compare(fieldValue: unknown, operand: Comparable): number | undefined {
  if (typeof fieldValue !== typeof operand) return undefined;
  const value = fieldValue as Comparable;
  return value < operand ? -1 : value > operand ? 1 : 0;
}

function contains(fieldValue: unknown, operand: unknown): boolean {
  if (typeof fieldValue === 'string') return typeof operand === 'string' && fieldValue.includes(operand);
  return Array.isArray(fieldValue) && fieldValue.includes(operand);
}

function containsAny(fieldValue: unknown, operands: readonly Comparable[]): boolean {
  if (!Array.isArray(fieldValue)) return false;
  for (const element of fieldValue) {
    if (operands.includes(element as Comparable)) return true;
  }
  return false;
}

function ordered(operand: Comparable, accepts: (order: number) => boolean): FieldTest {
  return (field) => {
    const order = compare(field, operand);
    return order !== undefined && accepts(order);
  };
}

function fieldTest(operator: FilterOperator, value: unknown): FieldTest {
  switch (operator) {
    case 'eq':
      return value === null ? (field) => field == null : (field) => field === value;
    case 'ne':
      return value === null ? (field) => field != null : (field) => field !== value;
    case 'lt':
      return ordered(value as Comparable, (order) => order < 0);
    case 'le':
      return ordered(value as Comparable, (order) => order <= 0);
    case 'gt':
      return ordered(value as Comparable, (order) => order > 0);
    case 'ge':
      return ordered(value as Comparable, (order) => order >= 0);
    case 'contains':
      return (field) => contains(field, value);
    case 'notContains':
      return (field) => !contains(field, value);
    case 'beginsWith':
      return (field) => typeof field === 'string' && field.startsWith(value as string);
    case 'in': {
      const values = value as readonly Comparable[];
      return (field) => values.includes(field as Comparable);
    }
    case 'notIn': {
      const values = value as readonly Comparable[];
      return (field) => !values.includes(field as Comparable);
    }
    case 'between': {
      const [low, high] = value as readonly [Comparable, Comparable];
      return (field) => {
        const fromLow = compare(field, low);
        const toHigh = compare(field, high);
        return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
      };
    }
    case 'containsAny': {
      const values = value as readonly Comparable[];
      return (field) => containsAny(field, values);
    }
  }
}

function compile(filter: SubscriptionFilter): CompiledGroups {
  const groups = filter.filterGroup.map((group) =>
    group.filters.map((field) => ({ path: field.fieldName.split('.'), test: fieldTest(field.operator, field.value) })),
  );
  compiledFilters.set(filter, groups);
  return groups;
}

/**
 * Checks a filter passed to `extensions.setSubscriptionFilter` (or the invalidation variant) against AppSync's
 * rules and limits, and returns an immutable copy ready for {@link matchesSubscriptionFilter}.
 *
 * @throws {SubscriptionFilterError} for an unknown operator, a value of the wrong type, more than 5 `in`/`notIn`
 *   values, more than 20 `containsAny` values, more than 10 groups, more than 5 filters in a group, a field name
 *   longer than 256 characters or nested more than 5 levels, or a `between` value that is not a pair.
 * @example
 * const filter = validateSubscriptionFilter({
 *   filterGroup: [{ filters: [{ fieldName: 'roomId', operator: 'eq', value: 'r1' }] }],
 * });
 */
export function validateSubscriptionFilter(filter: unknown): SubscriptionFilter {
  const groups = isRecord(filter) ? filter['filterGroup'] : undefined;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new SubscriptionFilterError('subscription filter must have a non-empty `filterGroup` list.');
  }
  if (groups.length > SUBSCRIPTION_FILTER_LIMITS.filterGroups) {
    throw new SubscriptionFilterError(
      `subscription filter has ${groups.length} filter groups; ` +
        `at most ${SUBSCRIPTION_FILTER_LIMITS.filterGroups} are allowed.`,
    );
  }
  const checked: SubscriptionFilter = Object.freeze({ filterGroup: Object.freeze(groups.map(checkGroup)) });
  compile(checked);
  return checked;
}

function valueAt(payload: unknown, path: readonly string[]): unknown {
  let current = payload;
  for (const key of path) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function groupMatches(filters: readonly CompiledFilter[], payload: unknown): boolean {
  for (const filter of filters) {
    if (!filter.test(valueAt(payload, filter.path))) return false;
  }
  return true;
}

/**
 * Whether a published payload passes an enhanced filter: some group whose filters all hold. Field names are dotted
 * paths into the payload (`author.address.country`).
 *
 * @example
 * matchesSubscriptionFilter(filter, { roomId: 'r1', body: 'hi' }); // true
 */
export function matchesSubscriptionFilter(filter: SubscriptionFilter, payload: unknown): boolean {
  const groups = compiledFilters.get(filter) ?? compile(filter);
  for (const filters of groups) {
    if (groupMatches(filters, payload)) return true;
  }
  return false;
}

function sameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left)) {
    const other = right as unknown[];
    if (left.length !== other.length) return false;
    for (let index = 0; index < left.length; index += 1) {
      if (!sameJson(left[index], other[index])) return false;
    }
    return true;
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  let leftKeys = 0;
  for (const key in leftRecord) {
    if (!Object.hasOwn(leftRecord, key)) continue;
    leftKeys += 1;
    if (!Object.hasOwn(rightRecord, key) || !sameJson(leftRecord[key], rightRecord[key])) return false;
  }
  let rightKeys = 0;
  for (const key in rightRecord) {
    if (Object.hasOwn(rightRecord, key)) rightKeys += 1;
  }
  return leftKeys === rightKeys;
}

/**
 * Basic (argument) filtering: every argument the subscriber supplied must equal the payload's top-level field of the
 * same name; an explicit `null` requires that field to be null or absent; omitted (`undefined`) arguments don't
 * filter. Lists and input objects compare by value.
 *
 * @example
 * matchesArguments({ roomId: 'r1' }, { roomId: 'r1', body: 'hi' }); // true
 * matchesArguments({ roomId: null }, { roomId: 'r1' }); // false
 */
export function matchesArguments(args: Record<string, unknown>, payload: unknown): boolean {
  for (const name in args) {
    if (!Object.hasOwn(args, name)) continue;
    const expected = args[name];
    if (expected === undefined) continue;
    const actual = isRecord(payload) && Object.hasOwn(payload, name) ? payload[name] : undefined;
    if (expected === null ? actual != null : !sameJson(expected, actual)) return false;
  }
  return true;
}
