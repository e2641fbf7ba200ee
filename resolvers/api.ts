/**
 * The chat GraphQL API: its table, data sources, functions and resolvers. The local cloud runs exactly this and
 * infra/ deploys exactly this; nothing else lists resolvers.
 */
import type { GraphqlApiDefinition, TableDefinition } from '../local/appsync/description.js';

/** The single chat table; its items and access patterns are in docs/data-model.md. */
export const chatTable: TableDefinition = {
  name: 'Chat',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'byUser',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: 'expiresAt',
};

const CHAT = 'ChatTable';

/** A pipeline resolver whose functions do the work. */
const pipeline = (typeName: string, fieldName: string, functions: readonly string[]) =>
  ({ typeName, fieldName, kind: 'PIPELINE', functions, code: 'resolvers/pipeline.ts' }) as const;

/** A unit resolver on the chat table, its code in resolvers/<Type>.<field>.ts. */
const unit = (typeName: string, fieldName: string) =>
  ({ typeName, fieldName, kind: 'UNIT', dataSource: CHAT, code: `resolvers/${typeName}.${fieldName}.ts` }) as const;

/** A function on the chat table, its code in resolvers/functions/<name>.ts. */
const fn = (name: string) => ({ name, dataSource: CHAT, code: `resolvers/functions/${name}.ts` });

export const chatApi: GraphqlApiDefinition = {
  name: 'wavechat',
  schemaFile: 'schema.graphql',
  authorization: { defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModes: ['AWS_IAM'] },
  dataSources: [{ name: CHAT, type: 'AMAZON_DYNAMODB', table: chatTable }],
  environmentVariables: { CHAT_TABLE: { tableName: chatTable.name } },
  functions: [
    fn('requireMember'),
    fn('getRoom'),
    fn('authorizeRoomRead'),
    fn('putMembership'),
    fn('putMessage'),
    fn('listMessages'),
    fn('listMyMemberships'),
    fn('getRoomsOfMemberships'),
  ],
  resolvers: [
    pipeline('Query', 'room', ['getRoom', 'authorizeRoomRead']),
    pipeline('Query', 'myRooms', ['listMyMemberships', 'getRoomsOfMemberships']),
    pipeline('Query', 'messages', ['requireMember', 'listMessages']),
    unit('Mutation', 'createRoom'),
    pipeline('Mutation', 'joinRoom', ['getRoom', 'putMembership']),
    unit('Mutation', 'leaveRoom'),
    pipeline('Mutation', 'sendMessage', ['requireMember', 'putMessage']),
    unit('Subscription', 'onMessage'),
  ],
};
