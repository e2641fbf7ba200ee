/**
 * AppSync expression objects (`condition`, `update`, `query`, `filter`, `projection`) → DynamoDB expression strings
 * plus one merged set of `ExpressionAttributeNames`/`ExpressionAttributeValues` per DynamoDB call.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MalformedRequestError } from '../errors.js';
import { expectObject, expectString, optionalField, requiredField, type JsonObject } from '../request-fields.js';
import { canonicalAttributeMap, toAttributeValue, type AttributeMap } from './typed-values.js';

export interface Expression {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<AttributeMap>;
}

/**
 * An expression field's object. `util.transform.toDynamoDB*Expression` returns a JSON string and several AppSync
 * doc examples assign that string directly, so a string is parsed as JSON.
 */
export function expressionObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'string') return expectObject(value, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new MalformedRequestError(path, 'a string expression must be the JSON of an expression object');
  }
  return expectObject(parsed, path);
}

/** Reads `{ expression, expressionNames?, expressionValues? }` from an expression object. */
export function readExpression(object: JsonObject, path: string): Expression {
  const expression = expectString(requiredField(object, 'expression', path), `${path}.expression`);
  const names: Record<string, string> = {};
  const namesField = optionalField(object, 'expressionNames');
  if (namesField !== undefined) {
    for (const [placeholder, name] of Object.entries(expectObject(namesField, `${path}.expressionNames`))) {
      names[placeholder] = expectString(name, `${path}.expressionNames.${placeholder}`);
    }
  }
  const values: AttributeMap = {};
  const valuesField = optionalField(object, 'expressionValues');
  if (valuesField !== undefined) {
    for (const [placeholder, typed] of Object.entries(expectObject(valuesField, `${path}.expressionValues`))) {
      values[placeholder] = toAttributeValue(typed, `${path}.expressionValues.${placeholder}`);
    }
  }
  return { expression, names, values };
}

/** Reads an optional expression field (object or JSON string) of a request. */
export function optionalExpression(request: JsonObject, field: string, path: string): Expression | undefined {
  const value = optionalField(request, field);
  const fieldPath = `${path}.${field}`;
  return value === undefined ? undefined : readExpression(expressionObject(value, fieldPath), fieldPath);
}

/** Reads a required expression field (object or JSON string) of a request. */
export function requiredExpression(request: JsonObject, field: string, path: string): Expression {
  const fieldPath = `${path}.${field}`;
  return readExpression(expressionObject(requiredField(request, field, path), fieldPath), fieldPath);
}

/** The attribute-name/value parameters of one DynamoDB call; DynamoDB refuses empty maps, so those are left out. */
export interface ExpressionAttributeParameters {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: AttributeMap;
}

/**
 * Merges the substitutions of every expression of one DynamoDB call (e.g. `update` + `condition`). A placeholder
 * defined twice with different meanings would silently change one expression, so it is refused.
 */
export function mergeExpressionAttributes(
  expressions: readonly (Expression | undefined)[],
  path: string,
): ExpressionAttributeParameters {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  for (const expression of expressions) {
    if (expression === undefined) continue;
    for (const [placeholder, name] of Object.entries(expression.names)) {
      if (placeholder in names && names[placeholder] !== name) {
        throw new MalformedRequestError(path, `expression name ${placeholder} is defined twice with different names`);
      }
      names[placeholder] = name;
    }
    for (const [placeholder, value] of Object.entries(expression.values)) {
      const existing = values[placeholder];
      if (existing !== undefined && canonicalAttributeMap({ v: existing }) !== canonicalAttributeMap({ v: value })) {
        throw new MalformedRequestError(path, `expression value ${placeholder} is defined twice with different values`);
      }
      values[placeholder] = value;
    }
  }
  const parameters: ExpressionAttributeParameters = {};
  if (Object.keys(names).length > 0) parameters.ExpressionAttributeNames = names;
  if (Object.keys(values).length > 0) parameters.ExpressionAttributeValues = values;
  return parameters;
}
