/** What a subscriber has delivered of a room's messages, so catch-up after a reconnect adds no gap and no duplicate. */

/** The identity of one state of a message: a message changes by growing its version. */
export interface MessageStateKey {
  readonly id: string;
  readonly version: number;
  /** The state's position in the room's change feed (a ULID: orders as a string). */
  readonly cursor: string;
}

/** The cursor before every change: messagesSince from it reads the room's whole history. */
export const CURSOR_ZERO = '0'.repeat(26);

/**
 * The highest version delivered per message and the highest change cursor seen. States are accepted once, and
 * only when newer than what was delivered, so live events and overlapping catch-up reads can be fed in any mix.
 *
 * @example
 * const feed = new MessageFeed(page.items);
 * for (const state of caughtUp) if (feed.accept(state)) deliver(state);
 * const next = feed.cursor; // where the next catch-up starts
 */
export class MessageFeed {
  private readonly versions = new Map<string, number>();
  private highestCursor = CURSOR_ZERO;

  /** @param known states the subscriber already has: never delivered again; catch-up starts after them. */
  constructor(known: Iterable<MessageStateKey> = []) {
    for (const state of known) this.accept(state);
  }

  /** Where the next catch-up reads from: the highest cursor seen. */
  get cursor(): string {
    return this.highestCursor;
  }

  /** Records the state and returns true when it is newer than every delivered state of its message. */
  accept(state: MessageStateKey): boolean {
    if (state.cursor > this.highestCursor) this.highestCursor = state.cursor;
    if ((this.versions.get(state.id) ?? 0) >= state.version) return false;
    this.versions.set(state.id, state.version);
    return true;
  }
}
