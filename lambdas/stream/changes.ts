/**
 * What a chat-table stream record means for raw-WebSocket clients: a message state to push to a room's audience, a
 * change of who that audience is, or nothing. Pure, so every item kind can be checked without a table.
 */
import type { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { z } from 'zod';
import { toMessage, type StoredMessage } from '../../resolvers/lib/messages.js';
import type { PushFrame } from '../shared/protocol.js';

/** A record as Powertools' parser gives it: images unmarshalled to plain objects. */
export type ChatStreamRecord = z.output<typeof DynamoDBStreamRecord>;

export type StreamChange =
  /** Push `frame` to the connections of `roomId`'s joined members. */
  | { readonly kind: 'push'; readonly roomId: string; readonly frame: PushFrame }
  /** A membership or connection was written or removed: room audiences looked up earlier are out of date. */
  | { readonly kind: 'audienceChanged' }
  /** Rooms, receipts, reactions, removals … — or a Message item without a message's fields (`malformed` says why). */
  | { readonly kind: 'ignored'; readonly malformed?: string };

/**
 * What a stored Message item must have to be shown as a GraphQL Message (resolvers/lib/messages.ts `toMessage`) or
 * published as a chat event; both stream consumers read message items through it.
 */
export const StoredMessageItem = z.looseObject({
  id: z.string(),
  roomId: z.string(),
  authorId: z.string(),
  body: z.string(),
  clientMessageId: z.string(),
  createdAt: z.string(),
  replyToId: z.string().nullish(),
  threadId: z.string().nullish(),
  editedAt: z.string().nullish(),
  deletedAt: z.string().nullish(),
  deletedBy: z.string().nullish(),
  version: z.number(),
  cursor: z.string(),
  change: z.string(),
});

/**
 * Every write of a Message item — creation, edit, deletion (a tombstone), reactions, replies — is a new state of
 * the message, pushed as `onMessage` would deliver it. Messages are never removed from the table, so a REMOVE has
 * nothing to tell.
 */
export function changeOf(record: ChatStreamRecord): StreamChange {
  const { NewImage: newImage, OldImage: oldImage } = record.dynamodb;
  const image = (newImage ?? oldImage) as Record<string, unknown> | undefined;
  switch (image?.type) {
    case 'Membership':
    case 'Connection':
      return { kind: 'audienceChanged' };
    case 'Message':
      break;
    default:
      return { kind: 'ignored' };
  }
  if (record.eventName === 'REMOVE') return { kind: 'ignored' };
  const parsed = StoredMessageItem.safeParse(image);
  if (!parsed.success) {
    return { kind: 'ignored', malformed: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  }
  const message = toMessage(parsed.data as StoredMessage);
  return { kind: 'push', roomId: message.roomId, frame: { type: 'message', message } };
}
