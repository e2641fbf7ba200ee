/**
 * The APPSYNC_JS runtime library: host-side implementations of `util`, `extensions`, `runtime` (the globals and
 * the exports of `@aws-appsync/utils`) and of the `@aws-appsync/utils/dynamodb` module. The sandbox injects them
 * into resolver code; side effects land in the current run's {@link RunEffects}.
 */
import type { RunEffects } from '../types.js';
import { dynamodbHelpers } from './dynamodb-helpers.js';
import { createExtensions } from './extensions.js';
import { createRuntime } from './runtime.js';
import { createUtil } from './util.js';

export { UtilArgumentError } from './errors.js';
export { EarlyReturnSignal, UtilErrorSignal, type SkipTo } from './signals.js';
export { responseHeadersOf } from './http.js';

/** What the current handler call is; read at call time (one handler runs at a time). */
export interface InvocationState {
  /** For `util.unauthorized`'s message. */
  readonly fieldName: string;
  readonly parentTypeName: string;
  /** `util.authType()`, e.g. `User Pool Authorization`. */
  readonly authType: string;
  /** Where `appendError`, `extensions.*` and response headers are recorded. */
  readonly effects: RunEffects;
}

/** Freezes an object graph of functions and plain objects, so resolver code cannot patch the library. */
function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if ((typeof member === 'object' || typeof member === 'function') && member !== null && !Object.isFrozen(member)) {
      deepFreeze(member as object);
    }
  }
  return Object.freeze(value);
}

/**
 * The three globals (also the exports of `@aws-appsync/utils`), frozen. `current` returns the state of the
 * handler call in progress and is read whenever a function needs it.
 *
 * @example
 * const effects: RunEffects = { appendedErrors: [], subscriptionFilter: null, invalidationFilter: null,
 *   invalidations: [], cacheEvictions: [], logs: [] };
 * const { util } = createGlobals(() => ({ fieldName: 'getPost', parentTypeName: 'Query', authType: 'API Key Authorization', effects }));
 * util.appendError('careful', 'Warning'); // effects.appendedErrors now holds it
 */
export function createGlobals(current: () => InvocationState): { util: object; extensions: object; runtime: object } {
  return {
    util: deepFreeze(createUtil(current)),
    extensions: deepFreeze(createExtensions(() => current().effects)),
    runtime: deepFreeze(createRuntime()),
  };
}

/**
 * The exports of `@aws-appsync/utils/dynamodb`: `get, put, remove, update, query, scan, sync, batchGet, batchPut,
 * batchDelete, transactGet, transactWrite, operations, toStringSet, toNumberSet, toBinarySet`.
 *
 * @example
 * (dynamodbModule.get as (input: unknown) => unknown)({ key: { id: 'id' } });
 * // => { operation: 'GetItem', key: { id: { S: 'id' } } }
 */
export const dynamodbModule: Readonly<Record<string, unknown>> = deepFreeze({ ...dynamodbHelpers });
