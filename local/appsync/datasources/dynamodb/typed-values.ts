/**
 * AppSync's typed values (`{ S: "x" }`, `{ N: 12 }`, `{ B: "base64" }` …) ↔ the SDK's `AttributeValue`, and the
 * SDK's values → the plain JSON that resolvers see as `ctx.result`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MalformedRequestError } from '../errors.js';
import { expectArray, expectObject, expectString } from '../request-fields.js';

export type AttributeMap = Record<string, AttributeValue>;

const TYPE_NAMES = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'BOOL', 'NULL', 'L', 'M'] as const;
type TypeName = (typeof TYPE_NAMES)[number];

function isTypeName(name: string): name is TypeName {
  return (TYPE_NAMES as readonly string[]).includes(name);
}

/** `N` values are JSON numbers in AppSync's helpers and strings in hand-written code; the SDK wants strings. */
function toNumberString(value: unknown, path: string): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  throw new MalformedRequestError(path, 'a number value must be a JSON number or a numeric string');
}

/** Base64 as AppSync decodes it (RFC 2045: characters outside the alphabet are skipped). */
function toBinary(value: unknown, path: string): Uint8Array {
  return Buffer.from(expectString(value, path), 'base64');
}

/** Converts one AppSync typed value. `path` names it in errors, e.g. `request.key.id`. */
export function toAttributeValue(typed: unknown, path: string): AttributeValue {
  const object = expectObject(typed, path);
  const typeNames = Object.keys(object);
  const [typeName] = typeNames;
  if (typeNames.length !== 1 || typeName === undefined) {
    throw new MalformedRequestError(
      path,
      `a typed value must have exactly one type key (S, N, B, SS, NS, BS, BOOL, NULL, L, M), got ${
        typeNames.length === 0 ? 'none' : typeNames.join(', ')
      }`,
    );
  }
  if (!isTypeName(typeName)) throw new MalformedRequestError(path, `unknown DynamoDB type "${typeName}"`);
  const value = object[typeName];
  const valuePath = `${path}.${typeName}`;
  switch (typeName) {
    case 'S':
      return { S: expectString(value, valuePath) };
    case 'N':
      return { N: toNumberString(value, valuePath) };
    case 'B':
      return { B: toBinary(value, valuePath) };
    case 'SS':
      return { SS: expectArray(value, valuePath).map((element, i) => expectString(element, `${valuePath}[${i}]`)) };
    case 'NS':
      return { NS: expectArray(value, valuePath).map((element, i) => toNumberString(element, `${valuePath}[${i}]`)) };
    case 'BS':
      return { BS: expectArray(value, valuePath).map((element, i) => toBinary(element, `${valuePath}[${i}]`)) };
    case 'BOOL':
      if (typeof value !== 'boolean') throw new MalformedRequestError(valuePath, 'expected a boolean');
      return { BOOL: value };
    case 'NULL':
      // The docs write `{ NULL: null }`, DynamoDB's form is `{ NULL: true }`; `false` is left to DynamoDB to refuse.
      if (value !== null && typeof value !== 'boolean') {
        throw new MalformedRequestError(valuePath, 'expected null or true');
      }
      return { NULL: value !== false };
    case 'L':
      return { L: expectArray(value, valuePath).map((element, i) => toAttributeValue(element, `${valuePath}[${i}]`)) };
    case 'M':
      return { M: toAttributeMap(value, valuePath) };
  }
}

/** Converts a map of typed values (`key`, `attributeValues`, `expressionValues`, batch items). */
export function toAttributeMap(typedMap: unknown, path: string): AttributeMap {
  const object = expectObject(typedMap, path);
  const map: AttributeMap = {};
  for (const [name, typed] of Object.entries(object)) map[name] = toAttributeValue(typed, `${path}.${name}`);
  return map;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** DynamoDB → `ctx.result` typing: numbers as JSON numbers, binary as base64, sets as arrays, NULL as null. */
export function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.B !== undefined) return toBase64(value.B);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map(toBase64);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromAttributeMap(value.M);
  return null;
}

export function fromAttributeMap(map: AttributeMap): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(map)) plain[name] = fromAttributeValue(value);
  return plain;
}

/** An item or `null`, as results carry them. */
export function fromOptionalAttributeMap(map: AttributeMap | undefined): Record<string, unknown> | null {
  return map === undefined ? null : fromAttributeMap(map);
}

/**
 * A number in one canonical spelling, so that `"1.50"`, `"15e-1"` and `1.5` compare equal as DynamoDB compares them.
 * Unparseable strings are returned as they are (DynamoDB refuses them anyway).
 */
export function canonicalNumber(text: string): string {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (match === null) return text;
  const [, sign = '', integerPart = '', fractionPart = '', exponentPart = '0'] = match;
  if (integerPart === '' && fractionPart === '') return text;
  let digits = `${integerPart}${fractionPart}`.replace(/^0+/, '');
  let exponent = Number(exponentPart) - fractionPart.length;
  if (digits === '') return '0';
  const trailingZeros = /0*$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailingZeros);
  exponent += trailingZeros;
  return `${sign === '-' ? '-' : ''}${digits}e${exponent}`;
}

function canonicalForm(value: AttributeValue): unknown {
  if (value.S !== undefined) return ['S', value.S];
  if (value.N !== undefined) return ['N', canonicalNumber(value.N)];
  if (value.B !== undefined) return ['B', toBase64(value.B)];
  if (value.SS !== undefined) return ['SS', [...new Set(value.SS)].sort()];
  if (value.NS !== undefined) return ['NS', [...new Set(value.NS.map(canonicalNumber))].sort()];
  if (value.BS !== undefined) return ['BS', [...new Set(value.BS.map(toBase64))].sort()];
  if (value.BOOL !== undefined) return ['BOOL', value.BOOL];
  if (value.NULL !== undefined) return ['NULL'];
  if (value.L !== undefined) return ['L', value.L.map(canonicalForm)];
  if (value.M !== undefined) return ['M', canonicalMapForm(value.M)];
  return ['?'];
}

function canonicalMapForm(map: AttributeMap): unknown {
  return Object.keys(map)
    .sort()
    .map((name) => [name, canonicalForm(map[name] as AttributeValue)]);
}

/**
 * A string that is equal for two attribute maps exactly when DynamoDB would consider them the same item or key
 * (number spelling, set order and attribute order do not matter).
 */
export function canonicalAttributeMap(map: AttributeMap): string {
  return JSON.stringify(canonicalMapForm(map));
}
