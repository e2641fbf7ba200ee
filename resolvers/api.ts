/**
 * The chat GraphQL API: its table, data sources, functions and resolvers. The local cloud runs exactly this and
 * infra/ deploys exactly this; nothing else lists resolvers.
 */
import type { GraphqlApiDefinition, TableDefinition } from '../local/appsync/description.js';
import { SEND_RATE_LIMIT_VARIABLE, SEND_RATE_WINDOW_VARIABLE } from './lib/limits.js';

/** The single chat table; its items, indexes and access patterns are in docs/data-model.md. */
export const chatTable: TableDefinition = {
  name: 'Chat',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    // A user's memberships (and the raw-WebSocket side's connections).
    { indexName: 'byUser', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    // A room's messages by the cursor of their latest change: catch-up.
    {
      indexName: 'roomChanges',
      partitionKey: { name: 'changeFeed', type: 'S' },
      sortKey: { name: 'cursor', type: 'S' },
    },
    // A thread's replies by id.
    { indexName: 'threads', partitionKey: { name: 'thread', type: 'S' }, sortKey: { name: 'id', type: 'S' } },
    // Public rooms that are not archived, by creation time.
    {
      indexName: 'publicRooms',
      partitionKey: { name: 'directory', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
    },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: 'expiresAt',
};

const CHAT = 'ChatTable';
const NONE = 'None';

/** A pipeline resolver; its code is resolvers/pipeline.ts (the last function's result) unless named. */
const pipeline = (typeName: string, fieldName: string, functions: readonly string[], code = 'resolvers/pipeline.ts') =>
  ({ typeName, fieldName, kind: 'PIPELINE', functions, code } as const);

/** A unit resolver, its code in resolvers/<Type>.<field>.ts. */
const unit = (typeName: string, fieldName: string, dataSource = CHAT) =>
  ({ typeName, fieldName, kind: 'UNIT', dataSource, code: `resolvers/${typeName}.${fieldName}.ts` } as const);

/** A function, its code in resolvers/functions/<name>.ts. */
const fn = (name: string, dataSource = CHAT) => ({ name, dataSource, code: `resolvers/functions/${name}.ts` });

/** Room operations: loadRoomContext reads the room and checks the operation's rule, then `steps` do the work. */
const roomOperation = (typeName: string, fieldName: string, ...steps: string[]) =>
  pipeline(typeName, fieldName, ['loadRoomContext', ...steps]);

/** Room subscriptions: members only, filtered to the room, ended when the subscriber leaves. */
const roomSubscription = (fieldName: string) =>
  pipeline('Subscription', fieldName, ['loadRoomContext'], 'resolvers/subscribeToRoom.ts');

/** How many messages one user may send per window, on both protocols together (docs/security.md). */
export interface SendRateLimit {
  /** Messages per window; 0 turns the limit off. */
  readonly messagesPerWindow: number;
  readonly windowSeconds: number;
}

/**
 * The default: 30 messages per 10 s per user. Far above what a person types (even pasting line by line), it stops
 * scripts flooding a room, and the test suites stay under it.
 */
export const DEFAULT_SEND_RATE_LIMIT: SendRateLimit = { messagesPerWindow: 30, windowSeconds: 10 };

/**
 * The chat API with a deployment's send rate limit. The values travel as API environment variables (AppSync's own
 * mechanism; resolver code reads them from `ctx.env`), so `infra/` deploys and the local cloud runs the same ones.
 *
 * @example
 * ```ts
 * const api = chatApiWith({ messagesPerWindow: 5, windowSeconds: 2 });
 * const cloud = await startLocalCloud({ api, rootDir });
 * ```
 */
export function chatApiWith(sendRate: Partial<SendRateLimit> = {}): GraphqlApiDefinition {
  const { messagesPerWindow, windowSeconds } = { ...DEFAULT_SEND_RATE_LIMIT, ...sendRate };
  return {
    ...chatApiDefinition,
    environmentVariables: {
      ...chatApiDefinition.environmentVariables,
      [SEND_RATE_LIMIT_VARIABLE]: String(messagesPerWindow),
      [SEND_RATE_WINDOW_VARIABLE]: String(windowSeconds),
    },
  };
}

const chatApiDefinition: GraphqlApiDefinition = {
  name: 'wavechat',
  schemaFile: 'schema.graphql',
  authorization: { defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModes: ['AWS_IAM'] },
  dataSources: [
    { name: CHAT, type: 'AMAZON_DYNAMODB', table: chatTable },
    { name: NONE, type: 'NONE' },
  ],
  environmentVariables: { CHAT_TABLE: { tableName: chatTable.name } },
  functions: [
    fn('loadRoomContext'),
    fn('listMyMemberships'),
    fn('getRoomsOfMemberships'),
    fn('listMembers'),
    fn('listMessages'),
    fn('listThread'),
    fn('listChanges'),
    fn('listReactions'),
    fn('getMessage'),
    fn('updateRoom'),
    fn('setRoomArchived'),
    fn('openDirectRoom'),
    fn('getDirectMembership'),
    fn('joinRoom'),
    fn('inviteMember'),
    fn('banMember'),
    fn('deleteMembership'),
    fn('updateMembership'),
    fn('markRead'),
    fn('limitSendRate'),
    fn('enforceSlowMode'),
    fn('putMessage'),
    fn('changeMessage'),
    fn('writeReaction'),
    fn('publishTyping', NONE),
    fn('callerMembershipOfRoom'),
    fn('latestMessage'),
  ],
  resolvers: [
    roomOperation('Query', 'room'),
    pipeline('Query', 'myRooms', ['listMyMemberships', 'getRoomsOfMemberships']),
    unit('Query', 'publicRooms'),
    roomOperation('Query', 'members', 'listMembers'),
    roomOperation('Query', 'messages', 'listMessages'),
    roomOperation('Query', 'message', 'getMessage'),
    roomOperation('Query', 'thread', 'listThread'),
    roomOperation('Query', 'messagesSince', 'listChanges'),
    roomOperation('Query', 'messageReactions', 'listReactions'),

    unit('Mutation', 'createRoom'),
    roomOperation('Mutation', 'updateRoom', 'updateRoom'),
    roomOperation('Mutation', 'archiveRoom', 'setRoomArchived'),
    roomOperation('Mutation', 'unarchiveRoom', 'setRoomArchived'),
    pipeline('Mutation', 'openDirectRoom', ['openDirectRoom', 'getDirectMembership']),
    unit('Mutation', 'ensurePublicRoom'),

    roomOperation('Mutation', 'joinRoom', 'joinRoom'),
    roomOperation('Mutation', 'leaveRoom', 'deleteMembership'),
    roomOperation('Mutation', 'inviteMember', 'inviteMember'),
    roomOperation('Mutation', 'removeMember', 'deleteMembership'),
    roomOperation('Mutation', 'setMemberRole', 'updateMembership'),
    roomOperation('Mutation', 'muteMember', 'updateMembership'),
    roomOperation('Mutation', 'unmuteMember', 'updateMembership'),
    roomOperation('Mutation', 'banMember', 'banMember'),
    roomOperation('Mutation', 'unbanMember', 'deleteMembership'),

    roomOperation('Mutation', 'sendMessage', 'limitSendRate', 'enforceSlowMode', 'putMessage'),
    roomOperation('Mutation', 'editMessage', 'changeMessage'),
    roomOperation('Mutation', 'deleteMessage', 'changeMessage'),
    roomOperation('Mutation', 'addReaction', 'writeReaction', 'getMessage'),
    roomOperation('Mutation', 'removeReaction', 'writeReaction', 'getMessage'),
    roomOperation('Mutation', 'markRead', 'markRead'),
    roomOperation('Mutation', 'sendTyping', 'publishTyping'),

    roomSubscription('onMessage'),
    roomSubscription('onRoomEvent'),
    roomSubscription('onRoomUpdate'),
    roomSubscription('onTyping'),
    unit('Subscription', 'onMyRooms', NONE),

    pipeline('Room', 'lastMessage', ['callerMembershipOfRoom', 'latestMessage']),
    pipeline('Room', 'myMembership', ['callerMembershipOfRoom']),
    unit('Membership', 'unreadCount'),
    unit('Membership', 'room'),
  ],
};

/** The chat API with the default send rate limit: what `npm start` runs and `infra/` deploys unless told otherwise. */
export const chatApi: GraphqlApiDefinition = chatApiWith();
