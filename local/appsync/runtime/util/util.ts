/**
 * The `util` global of APPSYNC_JS (also exported by `@aws-appsync/utils`): the members AWS declares for the
 * JavaScript runtime, without the VTL-only helpers (`isNull`, `toJson`, `qr`, `list`, `map`, …) and without `rds`.
 */
import type { GraphqlErrorRecord, RunEffects } from '../types.js';
import { dynamodbUtils } from './dynamodb-values.js';
import { base64Decode, base64Encode, escapeJavaScript, urlDecode, urlEncode } from './encoding.js';
import { UtilArgumentError } from './errors.js';
import { addResponseHeader, copyHeaders } from './http.js';
import { autoId, autoKsuid, autoUlid } from './ids.js';
import { javaMatches } from './java-regex.js';
import { UtilErrorSignal } from './signals.js';
import { createTimeUtils } from './time.js';
import { transformUtils } from './transform.js';
import { isRecord, jsonCopy } from './values.js';
import { xmlUtils } from './xml.js';

/** What `util` needs to know about the handler call in progress. */
export interface UtilContext {
  readonly fieldName: string;
  readonly parentTypeName: string;
  readonly authType: string;
  readonly effects: RunEffects;
}

/** The error record of `util.error` / `util.appendError` arguments. */
export function errorRecord(
  message: unknown,
  errorType?: unknown,
  data?: unknown,
  errorInfo?: unknown,
): GraphqlErrorRecord {
  return {
    message: typeof message === 'string' ? message : JSON.stringify(message) ?? String(message),
    errorType: errorType == null ? null : String(errorType),
    data: jsonCopy(data),
    errorInfo: jsonCopy(errorInfo),
  };
}

const NORMALIZATION_FORMS = new Set(['NFC', 'NFD', 'NFKC', 'NFKD']);

const mathUtils = {
  /** Rounds to the nearest integer, halves up (Java `Math.round`). */
  roundNum: (value: number): number => Math.round(value),
  minVal: (a: number, b: number): number => Math.min(a, b),
  maxVal: (a: number, b: number): number => Math.max(a, b),
  randomDouble: (): number => Math.random(),
  /** A random integer from `start` to `end`, both included. */
  randomWithinRange: (start: number, end: number): number => {
    const low = Math.ceil(Math.min(start, end));
    const high = Math.floor(Math.max(start, end));
    return low + Math.floor(Math.random() * (high - low + 1));
  },
};

const stringUtils = {
  /** Unicode normalization; `form` is `nfc`, `nfd`, `nfkc` or `nfkd`. */
  normalize: (value: string, form: string): string => {
    const upper = typeof form === 'string' ? form.toUpperCase() : '';
    if (typeof value !== 'string' || !NORMALIZATION_FORMS.has(upper)) {
      throw new UtilArgumentError('util.str.normalize', 'expected (string, "nfc" | "nfd" | "nfkc" | "nfkd")');
    }
    return value.normalize(upper);
  },
};

/**
 * Creates the `util` object; `current` returns the state of the handler call in progress.
 *
 * @example
 * const util = createUtil(() => ({ fieldName: 'getPost', parentTypeName: 'Query', authType: 'API Key Authorization', effects }));
 * util.urlEncode('a b&c'); // => 'a+b%26c'
 */
export function createUtil(current: () => UtilContext) {
  return {
    escapeJavaScript,
    urlEncode,
    urlDecode,
    base64Encode,
    base64Decode,
    autoId,
    autoUlid,
    autoKsuid: (): string => autoKsuid(),
    /** Ends the handler with `Not Authorized to access <field> on type <Type>` (errorType `Unauthorized`). */
    unauthorized(): never {
      const { fieldName, parentTypeName } = current();
      throw new UtilErrorSignal(
        errorRecord(`Not Authorized to access ${fieldName} on type ${parentTypeName}`, 'Unauthorized'),
      );
    },
    /** Ends the handler (and the rest of the pipeline) with a GraphQL error. */
    error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
      throw new UtilErrorSignal(errorRecord(message, errorType, data, errorInfo));
    },
    /** Adds a GraphQL error; the handler continues. */
    appendError(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): void {
      current().effects.appendedErrors.push(errorRecord(message, errorType, data, errorInfo));
    },
    matches: javaMatches,
    authType: (): string => current().authType,
    time: createTimeUtils(),
    dynamodb: dynamodbUtils,
    transform: transformUtils,
    math: mathUtils,
    str: stringUtils,
    http: {
      copyHeaders,
      addResponseHeader: (name: string, value: unknown): void => addResponseHeader(current().effects, name, value),
      addResponseHeaders: (headers: Record<string, unknown>): void => {
        if (!isRecord(headers))
          throw new UtilArgumentError('util.http.addResponseHeaders', 'expected an object of headers');
        const { effects } = current();
        for (const [name, value] of Object.entries(headers)) addResponseHeader(effects, name, value);
      },
    },
    xml: xmlUtils,
  };
}
