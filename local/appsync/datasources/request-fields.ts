/**
 * Checked reads of the JSON request objects that request handlers return. Each reader names the field's path in
 * the {@link MalformedRequestError} it throws, so a resolver author sees exactly which part is wrong.
 */
import { MalformedRequestError } from './errors.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw new MalformedRequestError(path, `expected an object, got ${describe(value)}`);
  return value;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new MalformedRequestError(path, `expected an array, got ${describe(value)}`);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new MalformedRequestError(path, `expected a string, got ${describe(value)}`);
  return value;
}

/** `null` and absent fields both mean "not given", as in AppSync's request objects. */
export function optionalField(object: JsonObject, field: string): unknown {
  const value = object[field];
  return value === null ? undefined : value;
}

export function requiredField(object: JsonObject, field: string, path: string): unknown {
  const value = optionalField(object, field);
  if (value === undefined) throw new MalformedRequestError(`${path}.${field}`, 'required field is missing');
  return value;
}

export function optionalString(object: JsonObject, field: string, path: string): string | undefined {
  const value = optionalField(object, field);
  return value === undefined ? undefined : expectString(value, `${path}.${field}`);
}

export function optionalBoolean(object: JsonObject, field: string, path: string): boolean | undefined {
  const value = optionalField(object, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw new MalformedRequestError(`${path}.${field}`, `expected a boolean, got ${describe(value)}`);
  }
  return value;
}

export function optionalInteger(object: JsonObject, field: string, path: string): number | undefined {
  const value = optionalField(object, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new MalformedRequestError(`${path}.${field}`, `expected an integer, got ${describe(value)}`);
  }
  return value;
}
