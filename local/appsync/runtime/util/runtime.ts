/** The `runtime` global. */
import { UtilArgumentError } from './errors.js';
import { EarlyReturnSignal } from './signals.js';
import { isRecord, jsonCopy } from './values.js';

/** Creates the `runtime` object. */
export function createRuntime() {
  return {
    /**
     * Ends the handler with `value` as its result: skips the data source and response handler of a function
     * (`skipTo: 'NEXT'` continues with the next function, `'END'` with the resolver's response). Without `skipTo`
     * the engine applies AWS's default for where it was called: NEXT in a function, END in a pipeline's request.
     */
    earlyReturn(value?: unknown, options?: { skipTo?: 'END' | 'NEXT' }): never {
      const skipTo = isRecord(options) && options.skipTo !== undefined ? options.skipTo : null;
      if (skipTo !== null && skipTo !== 'END' && skipTo !== 'NEXT') {
        throw new UtilArgumentError(
          'runtime.earlyReturn',
          `skipTo must be 'END' or 'NEXT', not ${JSON.stringify(skipTo)}`,
        );
      }
      throw new EarlyReturnSignal(jsonCopy(value), skipTo);
    },
  };
}
