/** Errors raised by the subscription machinery. */

/**
 * A subscription filter (`extensions.setSubscriptionFilter` / `setSubscriptionInvalidationFilter`) that AppSync
 * would refuse; the subscription registration fails with this message.
 */
export class SubscriptionFilterError extends Error {
  override readonly name = 'SubscriptionFilterError';
}
