/** A room's messages as the page holds them: every state seen, by id, keeping the newest version. */
import type { ChatMessage } from '../../sdk/index.js';

export interface MessageStore {
  readonly byId: ReadonlyMap<string, ChatMessage>;
  /** The oldest message the timeline pages reached; the timeline shows nothing older (thread reads may hold more). */
  readonly oldestId: string | null;
  /** Token of the next older page; null once the room's first message is loaded. */
  readonly olderToken: string | null;
  readonly loaded: boolean;
}

export type MessageAction =
  | { readonly type: 'page'; readonly items: readonly ChatMessage[]; readonly nextToken: string | null }
  | { readonly type: 'states'; readonly items: readonly ChatMessage[] };

export const EMPTY_STORE: MessageStore = { byId: new Map(), oldestId: null, olderToken: null, loaded: false };

function merge(byId: ReadonlyMap<string, ChatMessage>, items: readonly ChatMessage[]): ReadonlyMap<string, ChatMessage> {
  const next = new Map(byId);
  for (const item of items) {
    const held = next.get(item.id);
    if (held === undefined || held.version < item.version) next.set(item.id, item);
  }
  return next;
}

export function messageReducer(store: MessageStore, action: MessageAction): MessageStore {
  if (action.type === 'states') return { ...store, byId: merge(store.byId, action.items) };
  // A timeline page (newest first): extends the timeline back to its oldest message.
  const oldestOfPage = action.items.at(-1)?.id ?? null;
  const oldestId =
    store.oldestId === null ? oldestOfPage : oldestOfPage !== null && oldestOfPage < store.oldestId ? oldestOfPage : store.oldestId;
  return { byId: merge(store.byId, action.items), oldestId, olderToken: action.nextToken, loaded: true };
}

/** The timeline, oldest first (ids are ULIDs: they sort in creation order). */
export function timelineOf(store: MessageStore): ChatMessage[] {
  const all = [...store.byId.values()];
  const shown = store.olderToken === null || store.oldestId === null ? all : all.filter((m) => m.id >= (store.oldestId ?? ''));
  return shown.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A thread's root and replies, oldest first. */
export function threadOf(store: MessageStore, rootId: string): ChatMessage[] {
  return [...store.byId.values()]
    .filter((m) => m.id === rootId || m.threadId === rootId)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** An idempotency key for sendMessage (crypto.randomUUID needs a secure context; this does not). */
export function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
