/**
 * Messages between a Lambda container's worker thread (worker.ts) and the runtime (container.ts). The worker reads
 * everything else about its function from its environment, as the Lambda runtime does (`LAMBDA_TASK_ROOT`,
 * `_HANDLER`, `AWS_LAMBDA_FUNCTION_NAME`, …).
 */
import type { LambdaErrorPayload } from './errors.js';
import type { HandlerOutcome } from './handler.js';

/** Runtime → worker: run the handler once. `event` is already a JSON copy. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  /**
   * The event as JSON text: serialised once on the runtime's thread and parsed by the worker, which costs that thread
   * less than a structured clone of the object, and copies the way Lambda's JSON does.
   */
  readonly eventJson: string;
  /** When the invocation times out (epoch milliseconds), for `context.getRemainingTimeInMillis()`. */
  readonly deadline: number;
}

/** Worker → runtime. */
export type ContainerMessage =
  /** The function's module loaded and exports its handler (end of the cold start). */
  | { readonly type: 'ready' }
  /** The function's module failed to load or lacks its handler; the worker then ends. */
  | { readonly type: 'init-error'; readonly error: LambdaErrorPayload }
  | { readonly type: 'outcome'; readonly requestId: string; readonly outcome: HandlerOutcome }
  /** An uncaught exception or unhandled rejection; the worker exits right after sending this. */
  | { readonly type: 'crash'; readonly error: LambdaErrorPayload };
