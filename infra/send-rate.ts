/**
 * The send rate limit as a deployment knob: CDK context `wavechat:sendRateLimit` (messages per user per window; 0
 * turns it off) and `wavechat:sendRateWindowSeconds`, each defaulting to `DEFAULT_SEND_RATE_LIMIT`. `bin/app.ts`
 * deploys `chatApiWith(...)` of the result, so the values reach the resolvers as API environment variables.
 */
import type { SendRateLimit } from '../resolvers/api.js';
import { InvalidContextError } from './errors.js';

/**
 * Reads the knob from CDK context (`context(key)` returns `wavechat:<key>` as a string, or undefined).
 *
 * @throws InvalidContextError when a value is not a whole number (the window must be at least 1).
 * @example
 * ```ts
 * const api = chatApiWith(sendRateLimitFromContext((key) => app.node.tryGetContext(`wavechat:${key}`)));
 * ```
 */
export function sendRateLimitFromContext(context: (key: string) => string | undefined): Partial<SendRateLimit> {
  const read = (key: string, minimum: number): number | undefined => {
    const value = context(key);
    if (value === undefined) return undefined;
    if (!/^\d{1,9}$/.test(value) || Number(value) < minimum) {
      throw new InvalidContextError(key, value, minimum === 0 ? 'a whole number (0 turns the limit off)' : 'a positive whole number');
    }
    return Number(value);
  };
  const messagesPerWindow = read('sendRateLimit', 0);
  const windowSeconds = read('sendRateWindowSeconds', 1);
  return {
    ...(messagesPerWindow === undefined ? {} : { messagesPerWindow }),
    ...(windowSeconds === undefined ? {} : { windowSeconds }),
  };
}
