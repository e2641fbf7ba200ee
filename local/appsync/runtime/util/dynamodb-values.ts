/**
 * `util.dynamodb`: plain JavaScript values to the typed attribute values AppSync's DynamoDB requests use.
 *
 * As on AWS, numbers stay JSON numbers (`{ N: 12345 }`), arrays become lists (`L`, never sets) and objects maps
 * (`M`). Conversion follows JSON: `toJSON` is honoured, `undefined`/functions are dropped from maps and become
 * `NULL` elsewhere, non-finite numbers become `NULL`.
 */
import { UtilArgumentError } from './errors.js';
import { isRecord, jsonEntries } from './values.js';

/** A DynamoDB attribute value as AppSync requests carry it. */
export type AttributeValue =
  | { readonly S: unknown }
  | { readonly N: unknown }
  | { readonly BOOL: unknown }
  | { readonly NULL: null }
  | { readonly SS: unknown[] }
  | { readonly NS: unknown[] }
  | { readonly BS: unknown[] }
  | { readonly B: unknown }
  | { readonly L: AttributeValue[] }
  | { readonly M: Record<string, AttributeValue> };

const NULL_VALUE = (): AttributeValue => ({ NULL: null });

/**
 * `util.dynamodb.toDynamoDB`: any value to its attribute value.
 *
 * @example toDynamoDB({ foo: 'bar', baz: 1234, beep: ['boop'] })
 * // => { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } }
 */
export function toDynamoDB(input: unknown): AttributeValue {
  const value = isRecord(input) && typeof input.toJSON === 'function' ? (input.toJSON as () => unknown)() : input;
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return Number.isFinite(value) ? { N: value } : NULL_VALUE();
    case 'boolean':
      return { BOOL: value };
    case 'bigint':
      throw new UtilArgumentError('util.dynamodb.toDynamoDB', 'BigInt values cannot be converted');
    case 'object':
      if (value === null) return NULL_VALUE();
      if (Array.isArray(value)) return { L: value.map((element: unknown) => toDynamoDB(element)) };
      return { M: toMapValuesOf(value as Record<string, unknown>) };
    default:
      return NULL_VALUE();
  }
}

function toMapValuesOf(value: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(jsonEntries(value).map(([k, v]) => [k, toDynamoDB(v)]));
}

function requireArray(value: unknown, functionName: string): unknown[] {
  if (!Array.isArray(value)) throw new UtilArgumentError(functionName, 'expected an array');
  return [...(value as unknown[])];
}

function requireRecord(value: unknown, functionName: string): Record<string, unknown> {
  if (!isRecord(value)) throw new UtilArgumentError(functionName, 'expected an object');
  return value;
}

/** `toStringSet`: `{ SS: [...] }`, null for null/undefined (shared with the dynamodb module). */
export function toStringSet(list: unknown): { SS: unknown[] } | null {
  return list == null ? null : { SS: requireArray(list, 'toStringSet') };
}

/** `toNumberSet`: `{ NS: [...] }` with the numbers kept as numbers. */
export function toNumberSet(numbers: unknown): { NS: unknown[] } | null {
  return numbers == null ? null : { NS: requireArray(numbers, 'toNumberSet') };
}

/** `toBinarySet`: `{ BS: [...] }` of base64 strings. */
export function toBinarySet(values: unknown): { BS: unknown[] } | null {
  return values == null ? null : { BS: requireArray(values, 'toBinarySet') };
}

/** `toMapValues`: an object's values converted, the object itself left bare. */
export function toMapValues(value: unknown): Record<string, AttributeValue> | null {
  return value == null ? null : toMapValuesOf(requireRecord(value, 'util.dynamodb.toMapValues'));
}

function s3ObjectJson(key: unknown, bucket: unknown, region: unknown, version: unknown): string {
  const s3: Record<string, unknown> = { key, bucket, region };
  if (version !== undefined) s3.version = version;
  return JSON.stringify({ s3 });
}

/** The `util.dynamodb` object. */
export const dynamodbUtils = {
  toDynamoDB,
  toString: (value: unknown): { S: unknown } | null => (value == null ? null : { S: value }),
  toStringSet,
  toNumber: (value: unknown): { N: unknown } | null => (value == null ? null : { N: value }),
  toNumberSet,
  toBinary: (value: unknown): { B: unknown } | null => (value == null ? null : { B: value }),
  toBinarySet,
  toBoolean: (value: unknown): { BOOL: unknown } | null => (value == null ? null : { BOOL: value }),
  toNull: (): { NULL: null } => ({ NULL: null }),
  toList: (value: unknown): { L: AttributeValue[] } | null =>
    value == null ? null : { L: requireArray(value, 'util.dynamodb.toList').map((v) => toDynamoDB(v)) },
  toMap: (value: unknown): { M: Record<string, AttributeValue> } | null =>
    value == null ? null : { M: toMapValuesOf(requireRecord(value, 'util.dynamodb.toMap')) },
  toMapValues,
  /** `{ S: '{"s3":{"key":…,"bucket":…,"region":…[,"version":…]}}' }` (compact JSON). */
  toS3Object: (key: string, bucket: string, region: string, version?: string): { S: string } => ({
    S: s3ObjectJson(key, bucket, region, version),
  }),
  /** Reads the JSON written by `toS3Object` (or its `{ S }` wrapper) back into `{ key, bucket, region[, version] }`. */
  fromS3ObjectJson: (s3ObjectString: unknown): Record<string, unknown> => {
    const text = isRecord(s3ObjectString) ? s3ObjectString.S : s3ObjectString;
    let parsed: unknown;
    try {
      parsed = typeof text === 'string' ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed) || !isRecord(parsed.s3)) {
      throw new UtilArgumentError('util.dynamodb.fromS3ObjectJson', 'expected the JSON of an S3 object ({"s3":{…}})');
    }
    return { ...parsed.s3 };
  },
};
