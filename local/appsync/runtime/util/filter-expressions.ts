/**
 * Renders AppSync filter objects (`{ field: { eq: 1 }, and: [...], or: [...], not: {...} }`) into DynamoDB
 * expressions, byte for byte as AWS does (outputs recorded with `EvaluateCode`):
 *
 * - a field `f` is written `#f` (verbatim, dots included); a value is `:<path>f_<operator>`, where the path records
 *   the enclosing groups (`and_0_`, `or_1_`, `not_`, and `size_` inside `size`);
 * - every comparison is parenthesised; a field with several operators, and an `and`/`or` with several members, is
 *   wrapped once more; `not` is `(NOT …)`; the top level joins its entries with ` AND ` without wrapping;
 * - empty pieces are still joined (`(#a = :a_eq) AND `), an empty `in` renders `(null)`;
 * - anything malformed (unknown operator, wrong operand shape, `and` that is not a list …) makes the whole
 *   filter unrenderable: `null`.
 */
import { type AttributeValue, toDynamoDB } from './dynamodb-values.js';
import { isRecord, jsonEntries } from './values.js';

/** A rendered condition/filter/key expression. */
export interface RenderedExpression {
  readonly expression: string;
  readonly expressionNames: Record<string, string>;
  readonly expressionValues: Record<string, AttributeValue>;
}

const COMPARISONS: Readonly<Record<string, string>> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };
const FUNCTIONS: Readonly<Record<string, string>> = {
  contains: 'contains',
  notContains: 'NOT contains',
  beginsWith: 'begins_with',
};
const ATTRIBUTE_TYPES: Readonly<Record<string, string>> = {
  _null: 'NULL',
  string: 'S',
  stringSet: 'SS',
  number: 'N',
  numberSet: 'NS',
  binary: 'B',
  binarySet: 'BS',
  boolean: 'BOOL',
  list: 'L',
  map: 'M',
};

/** Thrown inside the renderer when the filter is malformed; the public entry point turns it into `null`. */
class Unrenderable extends Error {}

class FilterRenderer {
  readonly expressionNames: Record<string, string> = {};
  readonly expressionValues: Record<string, AttributeValue> = {};

  /** The entries of a filter object, each rendered, joined with ` AND `. */
  renderObject(filter: unknown, path: string): string {
    if (!isRecord(filter)) throw new Unrenderable();
    return jsonEntries(filter)
      .map(([key, value]) => this.renderEntry(key, value, path))
      .join(' AND ');
  }

  private renderEntry(key: string, value: unknown, path: string): string {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw new Unrenderable();
      const members = (value as unknown[]).map((member, index) => this.renderObject(member, `${path}${key}_${index}_`));
      if (members.length <= 1) return members[0] ?? '';
      return group(members, ` ${key.toUpperCase()} `);
    }
    if (key === 'not') {
      if (!isRecord(value)) throw new Unrenderable();
      return `(NOT ${this.renderObject(value, `${path}not_`)})`;
    }
    if (!isRecord(value)) throw new Unrenderable();
    this.expressionNames[`#${key}`] = key;
    return this.renderOperators(`#${key}`, value, `${path}${key}_`);
  }

  /** The operators applied to one operand (`#f` or `size(#f)`); several are AND-ed and wrapped. */
  private renderOperators(operand: string, operators: Record<string, unknown>, valuePath: string): string {
    const parts = jsonEntries(operators).map(([operator, operand2]) =>
      this.renderOperator(operand, operator, operand2, valuePath),
    );
    return parts.length <= 1 ? parts[0] ?? '' : group(parts, ' AND ');
  }

  private renderOperator(operand: string, operator: string, value: unknown, valuePath: string): string {
    const placeholder = `:${valuePath}${operator}`;
    const comparison = COMPARISONS[operator];
    if (comparison !== undefined) {
      this.expressionValues[placeholder] = toDynamoDB(value);
      return `(${operand} ${comparison} ${placeholder})`;
    }
    const fn = FUNCTIONS[operator];
    if (fn !== undefined) {
      this.expressionValues[placeholder] = toDynamoDB(value);
      return `(${fn}(${operand},${placeholder}))`;
    }
    switch (operator) {
      case 'between': {
        if (!Array.isArray(value) || value.length < 2) throw new Unrenderable();
        const bounds = value as unknown[];
        this.expressionValues[`${placeholder}_start`] = toDynamoDB(bounds[0]);
        this.expressionValues[`${placeholder}_end`] = toDynamoDB(bounds[1]);
        return `(${operand} BETWEEN ${placeholder}_start AND ${placeholder}_end)`;
      }
      case 'in': {
        if (!Array.isArray(value)) throw new Unrenderable();
        const names = (value as unknown[]).map((element, index) => {
          this.expressionValues[`${placeholder}_${index}`] = toDynamoDB(element);
          return `${placeholder}_${index}`;
        });
        return names.length === 0 ? '(null)' : `(${operand} IN (${names.join(', ')}))`;
      }
      case 'attributeExists':
        if (typeof value !== 'boolean') throw new Unrenderable();
        return value ? `(attribute_exists(${operand}))` : `(attribute_not_exists(${operand}))`;
      case 'attributeType': {
        const code = typeof value === 'string' ? ATTRIBUTE_TYPES[value] : undefined;
        if (code === undefined) throw new Unrenderable();
        this.expressionValues[placeholder] = { S: code };
        return `(attribute_type(${operand},${placeholder}))`;
      }
      case 'size': {
        if (!isRecord(value)) throw new Unrenderable();
        // A nested size names its values again but does not nest the call.
        const sized = operand.startsWith('size(') ? operand : `size(${operand})`;
        return this.renderOperators(sized, value, `${valuePath}size_`);
      }
      default:
        throw new Unrenderable();
    }
  }
}

function group(parts: readonly string[], joiner: string): string {
  return `(${parts.join(joiner)})`;
}

/**
 * Renders a filter/condition/key-condition object; null when it is not a renderable filter.
 *
 * @example renderFilter({ title: { contains: 'Hello World' } })
 * // => { expression: '(contains(#title,:title_contains))', expressionNames: { '#title': 'title' },
 * //      expressionValues: { ':title_contains': { S: 'Hello World' } } }
 */
export function renderFilter(filter: unknown): RenderedExpression | null {
  const renderer = new FilterRenderer();
  try {
    const expression = renderer.renderObject(filter, '');
    return { expression, expressionNames: renderer.expressionNames, expressionValues: renderer.expressionValues };
  } catch (error) {
    if (error instanceof Unrenderable) return null;
    throw error;
  }
}
