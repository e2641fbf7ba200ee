/**
 * API Gateway's account-level throttle as it applies to `@connections`: a token bucket that refills at a steady
 * rate up to a burst capacity; a request that finds it empty is refused with 429 LimitExceededException. On AWS the
 * bucket (10,000 requests/s, burst 5,000 per Region) is shared by every REST, HTTP and WebSocket API and
 * `@connections` call of the account; locally it covers this gateway's `@connections` only, and is off unless
 * configured, so that tests and apps can see how their pushes cope with throttling.
 */
import { performance } from 'node:perf_hooks';
import { WebSocketGatewayOptionsError } from './errors.js';

export interface ConnectionsThrottleOptions {
  /** Tokens added per second (the steady request rate allowed). */
  readonly ratePerSecond: number;
  /** Bucket capacity: how many requests may arrive at once after a quiet period. */
  readonly burst: number;
}

/**
 * A token bucket, full at start.
 *
 * @throws {@link WebSocketGatewayOptionsError} when the rate is not a positive number or the burst not a positive
 *   integer
 * @example
 * ```ts
 * const throttle = new ConnectionsThrottle({ ratePerSecond: 50, burst: 10 });
 * if (!throttle.tryTake()) answerLimitExceeded(response);
 * ```
 */
export class ConnectionsThrottle {
  private tokens: number;
  private refilledAt: number;
  private refused = 0;

  constructor(
    private readonly options: ConnectionsThrottleOptions,
    /** Milliseconds on a monotonic clock. */
    private readonly now: () => number = () => performance.now(),
  ) {
    const { ratePerSecond, burst } = options;
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) {
      throw new WebSocketGatewayOptionsError(`the @connections rate must be a positive number, not ${ratePerSecond}`);
    }
    if (!(Number.isInteger(burst) && burst >= 1)) {
      throw new WebSocketGatewayOptionsError(`the @connections burst must be a positive integer, not ${burst}`);
    }
    this.tokens = burst;
    this.refilledAt = now();
  }

  /** Takes a token if one is left and returns true; false means the request is throttled. */
  tryTake(): boolean {
    const now = this.now();
    const { ratePerSecond, burst } = this.options;
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * ratePerSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.refused++;
    return false;
  }

  /** Requests refused so far. */
  get throttledCount(): number {
    return this.refused;
  }
}
