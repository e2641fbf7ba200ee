/**
 * The chat API operations the bridge calls, each as the user it acts for. Sends go through `sendMessage` exactly like
 * a GraphQL client's, so the API's rules (membership, mutes, bans, archived rooms, limits, idempotency) apply and
 * AppSync feeds its subscribers.
 *
 * AppSync publishes a mutation's result cut to the mutation's selection set, so each mutation here selects every
 * field the subscriptions it feeds may ask for: sendMessage → onMessage (Message), joinRoom/leaveRoom →
 * onRoomEvent and onMyRooms (Membership with its room), sendTyping → onTyping (TypingEvent). test/lambdas/units.test.ts
 * checks the selections against schema.graphql.
 */
import type { toMessage } from '../../resolvers/lib/messages.js';
import { appSyncClientFromEnvironment, type AppSyncClient } from './appsync-client.js';

/** Every field of `Message`. */
export const MESSAGE_SELECTION =
  'id roomId authorId body clientMessageId createdAt replyToId threadId editedAt deletedAt deletedBy ' +
  'reactions { emoji count } replyCount version cursor change';

/**
 * Every field of `Room` but `myMembership`, which is the caller's own (the schema asks not to select it in
 * subscriptions).
 */
export const ROOM_SELECTION =
  'id name topic visibility createdBy createdAt updatedAt archivedAt archivedBy directUserIds slowModeSeconds ' +
  `lastMessage { ${MESSAGE_SELECTION} }`;

/** Every field of `Membership`. */
export const MEMBERSHIP_SELECTION =
  'roomId userId role status change muted joinedAt invitedBy changedBy changedAt peerId lastReadMessageId lastReadAt ' +
  `unreadCount room { ${ROOM_SELECTION} }`;

/** Every field of `TypingEvent`. */
export const TYPING_SELECTION = 'roomId userId typing at';

/** A message in its current state, as the GraphQL API returns it and raw-WebSocket clients receive it. */
export type ChatMessage = ReturnType<typeof toMessage>;

export interface Room {
  readonly id: string;
  readonly name: string;
  readonly visibility: string;
  readonly [field: string]: unknown;
}

export interface Membership {
  readonly roomId: string;
  readonly userId: string;
  readonly role: string;
  readonly status: string;
  readonly change: string;
  readonly room: Room | null;
  readonly [field: string]: unknown;
}

/** Someone started (or stopped) typing. */
export interface TypingEvent {
  readonly roomId: string;
  readonly userId: string;
  readonly typing: boolean;
  readonly at: string;
}

export interface MessagePage {
  readonly items: readonly ChatMessage[];
  readonly nextToken: string | null;
}

export interface SendMessageInput {
  readonly roomId: string;
  readonly body: string;
  /** Makes the send idempotent: a repeat returns the message stored the first time. */
  readonly clientMessageId?: string;
  /** Makes the message a reply in that message's thread. */
  readonly replyToId?: string;
}

export interface PageRequest {
  readonly limit?: number;
  readonly nextToken?: string;
}

const SEND_MESSAGE = `mutation BridgeSendMessage($input: SendMessageInput!) { sendMessage(input: $input) { ${MESSAGE_SELECTION} } }`;
const ENSURE_PUBLIC_ROOM = `mutation BridgeEnsurePublicRoom($id: ID!, $name: String!) {
  ensurePublicRoom(id: $id, name: $name) { id name visibility } }`;
const JOIN_ROOM = `mutation BridgeJoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { ${MEMBERSHIP_SELECTION} } }`;
const LEAVE_ROOM = `mutation BridgeLeaveRoom($roomId: ID!) { leaveRoom(roomId: $roomId) { ${MEMBERSHIP_SELECTION} } }`;
const SEND_TYPING = `mutation BridgeSendTyping($roomId: ID!, $typing: Boolean) {
  sendTyping(roomId: $roomId, typing: $typing) { ${TYPING_SELECTION} } }`;
const MESSAGES = `query BridgeMessages($roomId: ID!, $limit: Int, $nextToken: String) {
  messages(roomId: $roomId, limit: $limit, nextToken: $nextToken) { items { ${MESSAGE_SELECTION} } nextToken } }`;
const MESSAGES_SINCE = `query BridgeMessagesSince($roomId: ID!, $after: String!, $limit: Int, $nextToken: String) {
  messagesSince(roomId: $roomId, after: $after, limit: $limit, nextToken: $nextToken) { items { ${MESSAGE_SELECTION} } nextToken } }`;

/** Every GraphQL document the bridge sends, by operation name (test/lambdas/units.test.ts validates them). */
export const BRIDGE_DOCUMENTS: Readonly<Record<string, string>> = {
  BridgeSendMessage: SEND_MESSAGE,
  BridgeEnsurePublicRoom: ENSURE_PUBLIC_ROOM,
  BridgeJoinRoom: JOIN_ROOM,
  BridgeLeaveRoom: LEAVE_ROOM,
  BridgeSendTyping: SEND_TYPING,
  BridgeMessages: MESSAGES,
  BridgeMessagesSince: MESSAGES_SINCE,
};

/**
 * @example
 * ```ts
 * const api = chatApiFromEnvironment();
 * const message = await api.sendMessage(userId, { roomId: 'lobby', body: 'hello' });
 * ```
 */
export class ChatApi {
  constructor(private readonly client: AppSyncClient) {}

  async sendMessage(actingUserId: string, input: SendMessageInput): Promise<ChatMessage> {
    const data = await this.client.execute<{ sendMessage: ChatMessage }>(
      { operationName: 'BridgeSendMessage', query: SEND_MESSAGE, variables: { input } },
      actingUserId,
    );
    return data.sendMessage;
  }

  /** Creates the public room `id` unless it exists (an IAM-only operation); returns the room as stored. */
  async ensurePublicRoom(actingUserId: string, id: string, name: string): Promise<Room> {
    const data = await this.client.execute<{ ensurePublicRoom: Room }>(
      { operationName: 'BridgeEnsurePublicRoom', query: ENSURE_PUBLIC_ROOM, variables: { id, name } },
      actingUserId,
    );
    return data.ensurePublicRoom;
  }

  /** Idempotent: joining twice returns the same membership. */
  async joinRoom(actingUserId: string, roomId: string): Promise<Membership> {
    const data = await this.client.execute<{ joinRoom: Membership }>(
      { operationName: 'BridgeJoinRoom', query: JOIN_ROOM, variables: { roomId } },
      actingUserId,
    );
    return data.joinRoom;
  }

  async leaveRoom(actingUserId: string, roomId: string): Promise<Membership> {
    const data = await this.client.execute<{ leaveRoom: Membership }>(
      { operationName: 'BridgeLeaveRoom', query: LEAVE_ROOM, variables: { roomId } },
      actingUserId,
    );
    return data.leaveRoom;
  }

  /** Tells the room the user is typing (or stopped); nothing is stored, `onTyping` subscribers get it. */
  async sendTyping(actingUserId: string, roomId: string, typing: boolean): Promise<TypingEvent> {
    const data = await this.client.execute<{ sendTyping: TypingEvent }>(
      { operationName: 'BridgeSendTyping', query: SEND_TYPING, variables: { roomId, typing } },
      actingUserId,
    );
    return data.sendTyping;
  }

  /** A page of the room's messages, newest first. */
  async messages(actingUserId: string, roomId: string, page: PageRequest = {}): Promise<MessagePage> {
    const data = await this.client.execute<{ messages: MessagePage }>(
      { operationName: 'BridgeMessages', query: MESSAGES, variables: { roomId, ...page } },
      actingUserId,
    );
    return data.messages;
  }

  /** Catch-up: the room's messages changed after `after` (a Message.cursor), in change order, latest states. */
  async messagesSince(actingUserId: string, roomId: string, after: string, page: PageRequest = {}): Promise<MessagePage> {
    const data = await this.client.execute<{ messagesSince: MessagePage }>(
      { operationName: 'BridgeMessagesSince', query: MESSAGES_SINCE, variables: { roomId, after, ...page } },
      actingUserId,
    );
    return data.messagesSince;
  }
}

export function chatApiFromEnvironment(): ChatApi {
  return new ChatApi(appSyncClientFromEnvironment());
}
