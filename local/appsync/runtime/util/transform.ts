/**
 * `util.transform`: filter objects to DynamoDB expressions (JSON strings), OpenSearch query DSL (JSON string) and
 * enhanced subscription filters (an object for `extensions.setSubscriptionFilter`).
 */
import type { FieldFilter, FilterOperator, SubscriptionFilter } from '../../subscriptions/types.js';
import { UtilArgumentError } from './errors.js';
import { renderFilter } from './filter-expressions.js';
import { isRecord, jsonCopy, jsonEntries } from './values.js';

/**
 * `toDynamoDBFilterExpression` / `toDynamoDBConditionExpression`: the rendered expression as a JSON string
 * (`{"expression":…,"expressionNames":{…},"expressionValues":{…}}`), or null when the filter cannot be rendered.
 *
 * @example toDynamoDBExpressionJson({ title: { contains: 'Hello World' } })
 * // => '{"expression":"(contains(#title,:title_contains))","expressionNames":{"#title":"title"},
 * //      "expressionValues":{":title_contains":{"S":"Hello World"}}}'
 */
export function toDynamoDBExpressionJson(filter: unknown): string | null {
  const rendered = renderFilter(filter);
  return rendered === null ? null : JSON.stringify(rendered);
}

type Conjunction = FieldFilter[];

/** Every way of picking one conjunction from `left` and one from `right`, concatenated. */
function product(left: readonly Conjunction[], right: readonly Conjunction[]): Conjunction[] {
  return left.flatMap((a) => right.map((b) => [...a, ...b]));
}

/** One filter per operator of a field; the operators of one field are alternatives (OR). */
function fieldAlternatives(fieldName: string, operators: unknown): Conjunction[] | null {
  if (!isRecord(operators)) return null;
  return jsonEntries(operators).map(([operator, value]) => [
    { fieldName, operator: operator as FilterOperator, value: jsonCopy(value) },
  ]);
}

/** A filter object in disjunctive normal form; null when malformed. */
function disjunctiveNormalForm(filter: unknown, ignoredFields: ReadonlySet<string>): Conjunction[] | null {
  if (!isRecord(filter)) return null;
  let groups: Conjunction[] = [[]];
  for (const [key, value] of jsonEntries(filter)) {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) return null;
      const members: Conjunction[][] = [];
      for (const member of value as unknown[]) {
        const form = disjunctiveNormalForm(member, ignoredFields);
        if (form === null) return null;
        members.push(form);
      }
      if (key === 'and') for (const form of members) groups = product(groups, form);
      else groups = product(groups, members.flat());
    } else if (!ignoredFields.has(key)) {
      const alternatives = fieldAlternatives(key, value);
      if (alternatives === null) return null;
      groups = product(groups, alternatives);
    }
  }
  return groups;
}

/**
 * `util.transform.toSubscriptionFilter(filter, ignoredFields?, rules?)`: the filter in disjunctive normal form as
 * `{ filterGroup: [{ filters: [...] }] }` — fields AND-ed, several operators on one field OR-ed, `and` members
 * AND-ed, `or` members OR-ed (groups multiplied out), `ignoredFields` dropped, and each rule appended to a copy of
 * every group (at least one rule must hold). Operators are carried through unchecked, as on AWS. Null when the
 * filter is not an object.
 *
 * @example toSubscriptionFilter({ a: { eq: 1, ne: 2 } })
 * // => { filterGroup: [{ filters: [{ fieldName: 'a', operator: 'eq', value: 1 }] },
 * //                    { filters: [{ fieldName: 'a', operator: 'ne', value: 2 }] }] }
 */
export function toSubscriptionFilter(
  filter: unknown,
  ignoredFields?: unknown,
  rules?: unknown,
): SubscriptionFilter | null {
  const ignored = new Set(Array.isArray(ignoredFields) ? (ignoredFields as unknown[]).map(String) : []);
  let groups = disjunctiveNormalForm(filter, ignored);
  if (groups === null) return null;
  if (isRecord(rules)) {
    const alternatives: Conjunction[] = [];
    for (const [fieldName, operators] of jsonEntries(rules)) {
      const ruleAlternatives = fieldAlternatives(fieldName, operators);
      if (ruleAlternatives === null) return null;
      alternatives.push(...ruleAlternatives);
    }
    if (alternatives.length > 0) groups = product(groups, alternatives);
  }
  return { filterGroup: groups.filter((filters) => filters.length > 0).map((filters) => ({ filters })) };
}

const FULL_TEXT_QUERIES: Readonly<Record<string, string>> = {
  match: 'match',
  matchPhrase: 'match_phrase',
  matchPhrasePrefix: 'match_phrase_prefix',
  multiMatch: 'multi_match',
  wildcard: 'wildcard',
  regexp: 'regexp',
};

function openSearchLeaf(field: string, operator: string, value: unknown): unknown {
  const fullText = FULL_TEXT_QUERIES[operator];
  if (fullText !== undefined) return { [fullText]: { [field]: value } };
  switch (operator) {
    case 'eq':
      return { term: { [field]: value } };
    case 'ne':
      return { bool: { must_not: { term: { [field]: value } } } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { range: { [field]: { [operator]: value } } };
    case 'range': {
      if (!Array.isArray(value) || value.length < 2) {
        throw new UtilArgumentError('util.transform.toElasticsearchQueryDSL', `range on ${field} needs [from, to]`);
      }
      const bounds = value as unknown[];
      return { range: { [field]: { gte: bounds[0], lte: bounds[1] } } };
    }
    case 'exists':
      return value === true ? { exists: { field } } : { bool: { must_not: { exists: { field } } } };
    default:
      throw new UtilArgumentError(
        'util.transform.toElasticsearchQueryDSL',
        `unsupported operator ${operator} on ${field}`,
      );
  }
}

/** Several clauses are AND-ed in a `bool.must`; one stays as it is. */
function allOf(clauses: unknown[]): unknown {
  return clauses.length === 1 ? clauses[0] : { bool: { must: clauses } };
}

function openSearchQuery(filter: unknown): unknown {
  if (!isRecord(filter)) throw new UtilArgumentError('util.transform.toElasticsearchQueryDSL', 'expected an object');
  const members = (value: unknown, key: string): unknown[] => {
    if (!Array.isArray(value))
      throw new UtilArgumentError('util.transform.toElasticsearchQueryDSL', `${key} must be a list`);
    return (value as unknown[]).map((member) => openSearchQuery(member));
  };
  const clauses = jsonEntries(filter).map(([key, value]) => {
    if (key === 'and') return { bool: { must: members(value, key) } };
    if (key === 'or') return { bool: { should: members(value, key), minimum_should_match: 1 } };
    if (key === 'not') return { bool: { must_not: openSearchQuery(value) } };
    if (!isRecord(value))
      throw new UtilArgumentError('util.transform.toElasticsearchQueryDSL', `${key} must map operators to values`);
    return allOf(jsonEntries(value).map(([operator, operand]) => openSearchLeaf(key, operator, jsonCopy(operand))));
  });
  return allOf(clauses);
}

/** The `util.transform` object. */
export const transformUtils = {
  toDynamoDBFilterExpression: toDynamoDBExpressionJson,
  toDynamoDBConditionExpression: toDynamoDBExpressionJson,
  /** OpenSearch query DSL as a JSON string; entries AND-ed (`bool.must`), `or` → `bool.should`, `not` → `bool.must_not`. */
  toElasticsearchQueryDSL: (filter: unknown): string => JSON.stringify(openSearchQuery(filter)),
  toSubscriptionFilter,
};
