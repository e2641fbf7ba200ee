/** Shared setup for the runtime-library tests: real globals over a mutable invocation state. */
import type { RunEffects } from '../../../../local/appsync/runtime/types.js';
import { createGlobals, type InvocationState } from '../../../../local/appsync/runtime/util/index.js';
import type { createExtensions } from '../../../../local/appsync/runtime/util/extensions.js';
import type { createRuntime } from '../../../../local/appsync/runtime/util/runtime.js';
import type { createUtil } from '../../../../local/appsync/runtime/util/util.js';

export function newEffects(): RunEffects {
  return {
    appendedErrors: [],
    subscriptionFilter: null,
    invalidationFilter: null,
    invalidations: [],
    cacheEvictions: [],
    logs: [],
  };
}

export interface Harness {
  readonly util: ReturnType<typeof createUtil>;
  readonly extensions: ReturnType<typeof createExtensions>;
  readonly runtime: ReturnType<typeof createRuntime>;
  /** The state `current()` returns; replace it to simulate the next handler call. */
  state: InvocationState;
}

export function harness(overrides: Partial<InvocationState> = {}): Harness {
  const h = {
    state: {
      fieldName: 'getPost',
      parentTypeName: 'Query',
      authType: 'API Key Authorization',
      effects: newEffects(),
      ...overrides,
    },
  } as Harness;
  const globals = createGlobals(() => h.state) as Pick<Harness, 'util' | 'extensions' | 'runtime'>;
  return Object.assign(h, globals);
}

/** Runs `fn` and returns what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
