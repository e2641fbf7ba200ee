/**
 * Limits on sending (docs/security.md): a per-user message rate, counted in fixed windows, and a per-room slow mode.
 * The rate's values are API environment variables (`ctx.env`, set from `resolvers/api.ts`), so every deployment
 * chooses its own and the local cloud runs the same ones. A refusal is a `RateLimitExceeded` error whose `errorInfo`
 * says when to retry.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';

/** API environment variable: messages one user may send per window; 0 turns the limit off. */
export const SEND_RATE_LIMIT_VARIABLE = 'SEND_RATE_LIMIT';
/** API environment variable: the window's length in seconds. */
export const SEND_RATE_WINDOW_VARIABLE = 'SEND_RATE_WINDOW_SECONDS';

/** The errorType of every refusal for sending too fast, on both protocols. */
export const RATE_LIMIT_ERROR_TYPE = 'RateLimitExceeded';

/** Longest slow-mode interval (6 hours, as chat services commonly allow). */
export const MAX_SLOW_MODE_SECONDS = 21600;

/** Which limit refused a send: the user's own rate, or the room's slow mode. */
export type SendLimitKind = 'SEND_RATE' | 'SLOW_MODE';

export interface SendRateLimit {
  /** Messages per window; 0: no limit. */
  readonly messages: number;
  readonly windowSeconds: number;
}

/** The deployment's per-user send rate, from the API's environment variables. */
export function sendRateLimitOf(ctx: Context): SendRateLimit {
  return {
    messages: wholeNumberVariable(ctx, SEND_RATE_LIMIT_VARIABLE, 0),
    windowSeconds: wholeNumberVariable(ctx, SEND_RATE_WINDOW_VARIABLE, 1),
  };
}

/** An environment variable holding a whole number of at least `minimum` (values are strings on AppSync). */
function wholeNumberVariable(ctx: Context, name: string, minimum: number): number {
  const text: string | undefined = ctx.env[name];
  const value: number = text !== undefined && util.matches('[0-9]{1,15}', text) ? JSON.parse(text) : -1;
  if (value < minimum) {
    util.error(`The API's ${name} environment variable must be a whole number of at least ${minimum}`, 'InternalFailure');
  }
  return value;
}

/** Refuses a send: nothing was stored, and the client may try again after `retryAfter` seconds (at least 1). */
export function refuseSend(message: string, retryAfterMs: number, limit: SendLimitKind): never {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  util.error(`${message}; try again in ${retryAfter} s`, RATE_LIMIT_ERROR_TYPE, null, { retryAfter, limit });
}

/** A room's slow-mode interval (a GraphQL Int): 0 to MAX_SLOW_MODE_SECONDS seconds. */
export function validSlowModeSeconds(seconds: number): number {
  if (seconds < 0 || seconds > MAX_SLOW_MODE_SECONDS) {
    util.error(`slowModeSeconds must be a whole number from 0 to ${MAX_SLOW_MODE_SECONDS}`, 'ValidationError');
  }
  return seconds;
}
