/** Stored message items and their GraphQL shape; the change-feed cursor arithmetic of catch-up. */
import type { Message, MessageChange } from '../generated/types.js';

/** A message item as stored (the GraphQL fields plus bookkeeping). */
export interface StoredMessage {
  id: string;
  roomId: string;
  authorId: string;
  body: string;
  clientMessageId: string;
  createdAt: string;
  replyToId?: string | null;
  threadId?: string | null;
  editedAt?: string | null;
  deletedAt?: string | null;
  deletedBy?: string | null;
  /** Reaction counts by emoji; an emoji whose count fell to 0 stays with 0 until the message is deleted. */
  reactions?: Record<string, number>;
  replyCount?: number;
  version: number;
  cursor: string;
  change: MessageChange;
}

/** The GraphQL `Message` of a stored item: reactions as a list sorted by emoji, zero counts left out. */
export function toMessage(item: StoredMessage): Message {
  const counts = item.reactions ?? {};
  const emojis = Object.keys(counts).sort();
  return {
    id: item.id,
    roomId: item.roomId,
    authorId: item.authorId,
    body: item.body,
    clientMessageId: item.clientMessageId,
    createdAt: item.createdAt,
    replyToId: item.replyToId ?? null,
    threadId: item.threadId ?? null,
    editedAt: item.editedAt ?? null,
    deletedAt: item.deletedAt ?? null,
    deletedBy: item.deletedBy ?? null,
    reactions: emojis
      .filter((emoji) => (counts[emoji] ?? 0) > 0)
      .map((emoji) => ({ emoji, count: counts[emoji] ?? 0 })),
    replyCount: item.replyCount ?? 0,
    version: item.version,
    cursor: item.cursor,
    change: item.change,
  };
}

/**
 * How far before a client's cursor catch-up starts reading again. A cursor is a ULID taken when a change is made,
 * so a change can become visible after a later-stamped one (it committed later, or the `roomChanges` index, which
 * is eventually consistent, showed it later). No change takes longer than an AppSync request (30 s) to commit, so
 * re-reading that window can't miss one; clients de-duplicate with `version`.
 */
export const CATCH_UP_OVERLAP_MS = 30_000;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 32^9 … 32^0: the place values of a ULID's ten time characters. */
const TIME_PLACES = [35184372088832, 1099511627776, 34359738368, 1073741824, 33554432, 1048576, 32768, 1024, 32, 1];
/** The regular expression (Java syntax, whole string) of a ULID as `util.autoUlid()` makes them. */
export const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

/** The millisecond time a ULID was made at. */
export function ulidTime(ulid: string): number {
  return ulid
    .slice(0, TIME_PLACES.length)
    .split('')
    .reduce((time, char) => time * 32 + CROCKFORD.indexOf(char), 0);
}

/** The smallest ULID of a millisecond time (clamped at the epoch). */
export function lowestUlidAt(time: number): string {
  const clamped = Math.max(0, Math.floor(time));
  const timePart = TIME_PLACES.map((place) => CROCKFORD.charAt(Math.floor(clamped / place) % 32)).join('');
  return `${timePart}0000000000000000`;
}
