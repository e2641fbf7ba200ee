/**
 * Which chat event, if any, a chat-table stream record is. Pure, so every item kind and transition can be checked
 * without a table or a bus.
 *
 * - Message items: the item's `change` says what happened (resolvers/functions/putMessage.ts and changeMessage.ts):
 *   `CREATED` → MessagePosted, `EDITED` → MessageEdited, `DELETED` → MessageDeleted. Reactions and replies
 *   (`REACTIONS`, `REPLIES`) are new states of a message but not events here; messages are never removed.
 * - Membership items: status transitions into and out of `JOINED`. A membership becomes `JOINED` by a put (joinRoom,
 *   openDirectRoom) or an update of an invitation; it stops being one by its deletion (leaveRoom, removeMember) or
 *   a put of `BANNED` over it (banMember). Role, mute and read-marker changes keep `JOINED` → `JOINED`: no event;
 *   invitations and their declining never reached `JOINED`: no event.
 */
import { z } from 'zod';
import type { ChatEvent } from '../shared/chat-events.js';
import { StoredMessageItem, type ChatStreamRecord } from './changes.js';

export type RecordEvent =
  | { readonly kind: 'event'; readonly event: ChatEvent }
  /** Not a chat event; `malformed` says why an item of a kind that makes events lacks the fields it needs. */
  | { readonly kind: 'none'; readonly malformed?: string };

const MembershipItem = z.looseObject({
  roomId: z.string(),
  userId: z.string(),
  role: z.string(),
  status: z.string(),
  joinedAt: z.string().nullish(),
  changedBy: z.string(),
  changedAt: z.string(),
});

type MessageItem = z.output<typeof StoredMessageItem>;
type MembershipItem = z.output<typeof MembershipItem>;

const NONE: RecordEvent = { kind: 'none' };

/** The chat event `record` is, or why it is none. */
export function eventOfRecord(record: ChatStreamRecord): RecordEvent {
  const { NewImage: newImage, OldImage: oldImage } = record.dynamodb;
  const image = (newImage ?? oldImage) as Record<string, unknown> | undefined;
  switch (image?.type) {
    case 'Message':
      return record.eventName === 'REMOVE' || newImage === undefined ? NONE : messageEvent(newImage);
    case 'Membership':
      return membershipEvent(oldImage, newImage, record.dynamodb.ApproximateCreationDateTime);
    default:
      return NONE;
  }
}

function messageEvent(image: unknown): RecordEvent {
  const parsed = StoredMessageItem.safeParse(image);
  if (!parsed.success) return malformed('Message', parsed.error);
  const item = parsed.data;
  switch (item.change) {
    case 'CREATED':
      return { kind: 'event', event: { detailType: 'MessagePosted', detail: messageDetail(item) } };
    case 'EDITED':
      if (!item.editedAt) return { kind: 'none', malformed: 'Message: an EDITED message without editedAt' };
      return { kind: 'event', event: { detailType: 'MessageEdited', detail: { ...messageDetail(item), editedAt: item.editedAt } } };
    case 'DELETED':
      if (!item.deletedAt || !item.deletedBy) {
        return { kind: 'none', malformed: 'Message: a DELETED message without deletedAt and deletedBy' };
      }
      return {
        kind: 'event',
        event: {
          detailType: 'MessageDeleted',
          detail: {
            roomId: item.roomId,
            messageId: item.id,
            authorId: item.authorId,
            createdAt: item.createdAt,
            deletedAt: item.deletedAt,
            deletedBy: item.deletedBy,
            version: item.version,
            cursor: item.cursor,
          },
        },
      };
    default:
      return NONE;
  }
}

function messageDetail(item: MessageItem) {
  return {
    roomId: item.roomId,
    messageId: item.id,
    authorId: item.authorId,
    body: item.body,
    clientMessageId: item.clientMessageId,
    createdAt: item.createdAt,
    replyToId: item.replyToId ?? null,
    threadId: item.threadId ?? null,
    version: item.version,
    cursor: item.cursor,
  };
}

/** `approximateTime`: the record's epoch seconds, the only trace of when a deleted membership was deleted. */
function membershipEvent(oldImage: unknown, newImage: unknown, approximateTime: number | undefined): RecordEvent {
  const before = oldImage === undefined ? undefined : MembershipItem.safeParse(oldImage);
  const after = newImage === undefined ? undefined : MembershipItem.safeParse(newImage);
  if (before?.success === false) return malformed('Membership (old image)', before.error);
  if (after?.success === false) return malformed('Membership (new image)', after.error);
  const wasJoined = before?.data.status === 'JOINED';
  const isJoined = after?.data.status === 'JOINED';
  if (!wasJoined && isJoined && after) {
    const item: MembershipItem = after.data;
    return {
      kind: 'event',
      event: {
        detailType: 'MemberJoined',
        detail: { roomId: item.roomId, userId: item.userId, role: item.role, at: item.joinedAt ?? item.changedAt, changedBy: item.changedBy },
      },
    };
  }
  if (wasJoined && !isJoined && before) {
    const banned = after?.data.status === 'BANNED';
    return {
      kind: 'event',
      event: {
        detailType: 'MemberLeft',
        detail: {
          roomId: before.data.roomId,
          userId: before.data.userId,
          role: before.data.role,
          reason: banned ? 'BANNED' : 'LEFT_OR_REMOVED',
          at: banned && after ? after.data.changedAt : deletionTime(approximateTime, before.data.changedAt),
          changedBy: banned && after ? after.data.changedBy : null,
        },
      },
    };
  }
  return NONE;
}

function deletionTime(approximateTime: number | undefined, lastChange: string): string {
  return approximateTime === undefined ? lastChange : new Date(approximateTime * 1000).toISOString();
}

function malformed(what: string, error: z.ZodError): RecordEvent {
  return { kind: 'none', malformed: `${what}: ${error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
}
