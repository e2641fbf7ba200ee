/**
 * Message cursors are ULIDs (docs/websocket-protocol.md, `history` with `after`): ten Crockford base32 characters of
 * milliseconds, then sixteen of randomness, so they sort as text in time order.
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Reads from a room's first message. */
export const START_CURSOR = '0'.repeat(26);

/** The lowest cursor at `time`: catching up `after` it reads every change made at or after that time. */
export function cursorAt(time: number): string {
  let rest = Math.max(0, Math.floor(time));
  let encoded = '';
  for (let place = 0; place < 10; place += 1) {
    encoded = CROCKFORD.charAt(rest % 32) + encoded;
    rest = Math.floor(rest / 32);
  }
  return encoded + '0'.repeat(16);
}

/** The later of two cursors (either may be absent). */
export function laterCursor(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
