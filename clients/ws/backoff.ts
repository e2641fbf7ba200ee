/** How long to wait before reconnect attempt `attempt`: jittered exponential backoff. */

export interface BackoffOptions {
  /** The cap of the first attempt's delay. @default 500 */
  readonly initialDelayMs?: number;
  /** No delay exceeds this. @default 30000 */
  readonly maxDelayMs?: number;
}

/**
 * "Full jitter": a uniformly random delay below `min(maxDelayMs, initialDelayMs × 2^attempt)`, so clients cut off
 * together (a server restart) do not reconnect together.
 *
 * @example
 * ```ts
 * setTimeout(reconnect, backoffDelay(attempt, { initialDelayMs: 500, maxDelayMs: 30_000 }));
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const cap = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}
