/**
 * Control-flow signals thrown by `util.error`, `util.unauthorized` and `runtime.earlyReturn`.
 *
 * APPSYNC_JS has no `throw`; these library calls are the only way a handler stops early. The sandbox catches the
 * signal and turns it into a {@link HandlerOutcome}.
 */
import type { GraphqlErrorRecord } from '../types.js';

/** Thrown by `util.error` / `util.unauthorized`: the handler (and the rest of the pipeline) ends with this error. */
export class UtilErrorSignal extends Error {
  override readonly name = 'UtilErrorSignal';

  constructor(readonly record: GraphqlErrorRecord) {
    super(record.message);
  }
}

/** Where `runtime.earlyReturn` continues: the resolver's response handler (`END`) or the next function (`NEXT`). */
/** null: not given (the engine applies the default of the place it was called from). */
export type SkipTo = 'END' | 'NEXT' | null;

/** Thrown by `runtime.earlyReturn(value, { skipTo })`. */
export class EarlyReturnSignal extends Error {
  override readonly name = 'EarlyReturnSignal';

  constructor(readonly value: unknown, readonly skipTo: SkipTo) {
    super(`runtime.earlyReturn (skipTo ${skipTo})`);
  }
}
