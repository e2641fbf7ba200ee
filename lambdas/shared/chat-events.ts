/**
 * The chat events on the app's EventBridge bus: their `source`, `detail-type`s and `detail` shapes. The publisher
 * (lambdas/stream/publish-events.ts) and infra/ (the bus and its rules) both import them from here, so a rule's
 * pattern and what is published cannot drift apart.
 *
 * Events are published at least once and EventBridge does not keep their order: a consumer that needs the latest
 * state of a message keeps the one with the highest `version` (as `onMessage` subscribers do), and one that must not
 * act twice deduplicates on `messageId` + `version` (messages) or `roomId` + `userId` + `at` (memberships).
 */

/** The `source` of every chat event. */
export const CHAT_EVENT_SOURCE = 'wavechat.chat';

/** The `detail-type`s published, in the order a room's life shows them. */
export const CHAT_EVENT_TYPES = ['MessagePosted', 'MessageEdited', 'MessageDeleted', 'MemberJoined', 'MemberLeft'] as const;

export type ChatEventType = (typeof CHAT_EVENT_TYPES)[number];

/** A message's state after the change, as the table holds it (see docs/data-model.md, "Messages"). */
export interface MessageEventDetail {
  readonly roomId: string;
  readonly messageId: string;
  readonly authorId: string;
  readonly body: string;
  readonly clientMessageId: string;
  readonly createdAt: string;
  /** The message this one answers, for replies. */
  readonly replyToId: string | null;
  /** The thread root, for replies. */
  readonly threadId: string | null;
  /** Grows by one with every change of the message: a total order of its states. */
  readonly version: number;
  /** The change's position in the room's change feed (a ULID). */
  readonly cursor: string;
}

/** `MessageDeleted`: what is left of a message (its tombstone) and who deleted it. */
export interface MessageDeletedDetail {
  readonly roomId: string;
  readonly messageId: string;
  readonly authorId: string;
  readonly createdAt: string;
  readonly deletedAt: string;
  /** The author, or an admin or owner of the room. */
  readonly deletedBy: string;
  readonly version: number;
  readonly cursor: string;
}

/** `MemberJoined`: a user became a joined member (joined a public room, accepted an invitation, a direct room opened). */
export interface MemberJoinedDetail {
  readonly roomId: string;
  readonly userId: string;
  readonly role: string;
  /** When the membership became `JOINED`. */
  readonly at: string;
  /** Who made the change: the user, or the other member of a direct room who opened it. */
  readonly changedBy: string;
}

/**
 * `MemberLeft`: a joined member is no longer one. `reason` is `BANNED` for a ban; a membership that was deleted is
 * `LEFT_OR_REMOVED`: the table keeps nothing of a deleted item that tells leaving from removal by an admin.
 */
export interface MemberLeftDetail {
  readonly roomId: string;
  readonly userId: string;
  /** The role the member had. */
  readonly role: string;
  readonly reason: 'LEFT_OR_REMOVED' | 'BANNED';
  /** The ban's time, or for a deleted membership the stream record's (to the second). */
  readonly at: string;
  /** Who banned the user; null for a deleted membership (not recorded). */
  readonly changedBy: string | null;
}

/** The `detail` of each `detail-type`. */
export interface ChatEventDetails {
  readonly MessagePosted: MessageEventDetail;
  readonly MessageEdited: MessageEventDetail & { readonly editedAt: string };
  readonly MessageDeleted: MessageDeletedDetail;
  readonly MemberJoined: MemberJoinedDetail;
  readonly MemberLeft: MemberLeftDetail;
}

/** One chat event: a `detail-type` with its `detail`. */
export type ChatEvent = {
  readonly [Type in ChatEventType]: { readonly detailType: Type; readonly detail: ChatEventDetails[Type] };
}[ChatEventType];
