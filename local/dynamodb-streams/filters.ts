/**
 * Lambda event filtering (an event source mapping's `FilterCriteria`) for stream records: patterns are checked and
 * compiled once, when the mapping starts, then each record read from the stream is tested against them. The
 * pattern language is EventBridge's, as Lambda documents it: nested objects follow the record's fields, a list at a
 * leaf matches when the record's value (or, when that is a list, any element of it) matches one of its entries, and
 * a field the record lacks never matches, except `{ "exists": false }`.
 */
import type { EventFilterPattern } from './description.js';
import { StreamConsumerDefinitionError } from './errors.js';

/** Lambda's default quota of filters per event source mapping. */
export const MAX_FILTERS = 5;
/** Lambda's limit on the length of one pattern (`Filter.Pattern`, a JSON string). */
export const MAX_PATTERN_LENGTH = 4096;

/** The operators a matcher object may use. */
const OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case'] as const;

/** A mapping's filters, compiled. */
export interface EventFilters {
  /** True when the record matches at least one pattern, or when the mapping has no filters. */
  matches(record: unknown): boolean;
}

/** Tests the values found at a field's path (none when the record lacks it). */
type FieldTest = (values: readonly unknown[]) => boolean;

/** Every condition of a pattern must hold. */
type Condition =
  | { readonly kind: 'field'; readonly path: readonly string[]; readonly test: FieldTest }
  | { readonly kind: 'or'; readonly alternatives: readonly (readonly Condition[])[] };

/** Tests one value of the record. */
type ValueTest = (value: unknown) => boolean;

/**
 * Checks and compiles a consumer's filter patterns.
 *
 * @param functionName the consumer's function, named in errors
 * @throws {@link StreamConsumerDefinitionError} naming the filter (`filters[i]`), the place in it and what is wrong:
 *   more than {@link MAX_FILTERS} filters, a pattern longer than {@link MAX_PATTERN_LENGTH} characters, a value that
 *   is not in a list, an empty object or list, or an operator this mapping does not support
 * @example
 * ```ts
 * const filters = compileEventFilters('chatStreamPush', [{ dynamodb: { NewImage: { type: { S: ['Message'] } } } }]);
 * filters.matches({ eventName: 'INSERT', dynamodb: { NewImage: { type: { S: 'Message' } } } }); // true
 * filters.matches({ eventName: 'REMOVE', dynamodb: { OldImage: { type: { S: 'Message' } } } }); // false
 * ```
 */
export function compileEventFilters(functionName: string, patterns: readonly EventFilterPattern[] | undefined): EventFilters {
  if (patterns === undefined || patterns.length === 0) return { matches: () => true };
  if (patterns.length > MAX_FILTERS) {
    throw new StreamConsumerDefinitionError(
      functionName,
      `filters has ${patterns.length} patterns; Lambda allows ${MAX_FILTERS} per event source mapping`,
    );
  }
  const compiled = patterns.map((pattern, index) => {
    const fail = (where: readonly string[], reason: string): StreamConsumerDefinitionError =>
      new StreamConsumerDefinitionError(
        functionName,
        `filters[${index}]${where.length > 0 ? ` at ${where.join('.')}` : ''}: ${reason}`,
      );
    const length = JSON.stringify(pattern)?.length ?? 0;
    if (length > MAX_PATTERN_LENGTH) {
      throw fail([], `the pattern is ${length} characters of JSON; Lambda allows ${MAX_PATTERN_LENGTH}`);
    }
    return compileObject(pattern as unknown, [], fail);
  });
  return { matches: (record) => compiled.some((conditions) => holds(conditions, record)) };
}

type Fail = (where: readonly string[], reason: string) => StreamConsumerDefinitionError;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileObject(pattern: unknown, path: readonly string[], fail: Fail): Condition[] {
  if (!isObject(pattern)) throw fail(path, `expected an object of fields, got ${JSON.stringify(pattern)}`);
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw fail(path, 'an empty object matches nothing in particular: name at least one field');
  return entries.flatMap(([key, value]): Condition[] => {
    const where = [...path, key];
    if (key === '$or') return [{ kind: 'or', alternatives: compileAlternatives(value, path, where, fail) }];
    if (Array.isArray(value)) return [{ kind: 'field', path: where, test: compileLeaf(value, where, fail) }];
    if (isObject(value)) return compileObject(value, where, fail);
    throw fail(where, `values to match go in a list, e.g. [${JSON.stringify(value)}]`);
  });
}

function compileAlternatives(value: unknown, path: readonly string[], where: readonly string[], fail: Fail): Condition[][] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isObject)) {
    throw fail(where, '$or takes a non-empty list of patterns');
  }
  // Alternatives are patterns at the same level as `$or`; errors name them `…$or.<index>.<field>`.
  return value.map((alternative, index) =>
    compileObject(alternative, path, (inner, reason) => fail([...where, String(index), ...inner.slice(path.length)], reason)),
  );
}

function compileLeaf(entries: readonly unknown[], where: readonly string[], fail: Fail): FieldTest {
  if (entries.length === 0) throw fail(where, 'an empty list matches nothing: give at least one value or matcher');
  let matchesAbsence = false;
  const tests: ValueTest[] = [];
  for (const entry of entries) {
    if (entry === null || typeof entry === 'string' || typeof entry === 'boolean' || typeof entry === 'number') {
      if (typeof entry === 'number' && !Number.isFinite(entry)) throw fail(where, `${entry} is not a JSON number`);
      tests.push((value) => value === entry);
      continue;
    }
    if (!isObject(entry)) throw fail(where, `a list of values cannot hold another list: ${JSON.stringify(entry)}`);
    const operators = Object.keys(entry);
    const [operator] = operators;
    if (operators.length !== 1 || operator === undefined) {
      throw fail(where, `a matcher has exactly one operator, got ${JSON.stringify(entry)}`);
    }
    const operand = entry[operator];
    switch (operator) {
      case 'exists':
        if (typeof operand !== 'boolean') throw fail(where, `exists takes true or false, not ${JSON.stringify(operand)}`);
        if (operand) tests.push(() => true);
        else matchesAbsence = true;
        break;
      case 'prefix':
      case 'suffix':
        tests.push(affixTest(operator, operand, where, fail));
        break;
      case 'equals-ignore-case': {
        if (typeof operand !== 'string') throw fail(where, `equals-ignore-case takes a string, not ${JSON.stringify(operand)}`);
        const expected = operand.toLowerCase();
        tests.push((value) => typeof value === 'string' && value.toLowerCase() === expected);
        break;
      }
      case 'anything-but':
        tests.push(anythingButTest(operand, where, fail));
        break;
      case 'numeric':
        tests.push(numericTest(operand, where, fail));
        break;
      default:
        throw fail(where, `unsupported operator "${operator}" (supported: ${OPERATORS.join(', ')})`);
    }
  }
  return (values) => (values.length === 0 ? matchesAbsence : values.some((value) => tests.some((test) => test(value))));
}

function affixTest(operator: 'prefix' | 'suffix', operand: unknown, where: readonly string[], fail: Fail): ValueTest {
  const ignoreCase = isObject(operand);
  const affix = ignoreCase ? (Object.keys(operand).length === 1 ? operand['equals-ignore-case'] : undefined) : operand;
  if (typeof affix !== 'string') {
    throw fail(where, `${operator} takes a string or { "equals-ignore-case": string }, not ${JSON.stringify(operand)}`);
  }
  const expected = ignoreCase ? affix.toLowerCase() : affix;
  return (value) => {
    if (typeof value !== 'string') return false;
    const actual = ignoreCase ? value.toLowerCase() : value;
    return operator === 'prefix' ? actual.startsWith(expected) : actual.endsWith(expected);
  };
}

function anythingButTest(operand: unknown, where: readonly string[], fail: Fail): ValueTest {
  const excluded = Array.isArray(operand) ? operand : [operand];
  const valid = excluded.length > 0 && excluded.every((value) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)));
  if (!valid) {
    throw fail(
      where,
      `anything-but takes a string, a number or a non-empty list of them (not prefix, suffix or other matchers here), ` +
        `not ${JSON.stringify(operand)}`,
    );
  }
  return (value) => !excluded.includes(value as string | number);
}

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

function numericTest(operand: unknown, where: readonly string[], fail: Fail): ValueTest {
  const invalid = (): StreamConsumerDefinitionError =>
    fail(
      where,
      'numeric takes one comparison (["=", 5], [">", 0] …) or a range, a lower then an upper bound ' +
        `([">", 0, "<=", 5]); got ${JSON.stringify(operand)}`,
    );
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) throw invalid();
  const comparisons: { readonly operator: string; readonly bound: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [operator, bound] = [operand[i] as unknown, operand[i + 1] as unknown];
    if (typeof operator !== 'string' || typeof bound !== 'number' || !Number.isFinite(bound)) throw invalid();
    if (operator !== '=' && !LOWER_BOUNDS.has(operator) && !UPPER_BOUNDS.has(operator)) throw invalid();
    comparisons.push({ operator, bound });
  }
  const [first, second] = comparisons;
  if (second !== undefined && !(first !== undefined && LOWER_BOUNDS.has(first.operator) && UPPER_BOUNDS.has(second.operator))) {
    throw invalid();
  }
  return (value) => typeof value === 'number' && comparisons.every(({ operator, bound }) => compare(value, operator, bound));
}

function compare(value: number, operator: string, bound: number): boolean {
  switch (operator) {
    case '=':
      return value === bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '<':
      return value < bound;
    default:
      return value <= bound;
  }
}

function holds(conditions: readonly Condition[], record: unknown): boolean {
  return conditions.every((condition) =>
    condition.kind === 'or'
      ? condition.alternatives.some((alternative) => holds(alternative, record))
      : condition.test(leavesAt(record, condition.path, 0)),
  );
}

/**
 * The record's values at `path`, as EventBridge flattens an event: lists (at the end or on the way) stand for each
 * of their elements, and an object at the end of the path is not a value (matchers apply to leaves only).
 */
function leavesAt(value: unknown, path: readonly string[], depth: number): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((element: unknown) => leavesAt(element, path, depth));
  const field = path[depth];
  if (field === undefined) return isObject(value) ? [] : [value];
  return isObject(value) && Object.hasOwn(value, field) ? leavesAt(value[field], path, depth + 1) : [];
}
