/**
 * Raw-WebSocket connections in the chat table (docs/data-model.md): one item per connection, keyed by its id, and
 * indexed under its user in `byUser`, beside the user's memberships. Every read is a Query — a room's
 * audience is its members (Query on the room partition) and their connections (Query on `byUser`); never a Scan.
 */
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { BY_USER_INDEX, MEMBER_PREFIX, USER_PARTITION_PREFIX, roomKey } from '../../resolvers/lib/keys.js';
import { mapWithConcurrency } from './concurrency.js';
import { ENVIRONMENT, SDK_ENVIRONMENT, perEnvironment, requireEnvironment } from './environment.js';
import { tracer } from './powertools.js';

export const CONNECTION_PREFIX = 'CONN#';

export const connectionKey = (connectionId: string) => ({ pk: `${CONNECTION_PREFIX}${connectionId}`, sk: 'CONN' });

/** GSI `byUser`: a user's connections, beside their memberships (`ROOM#…`). */
export const connectionIndexKeys = (userId: string, connectionId: string) => ({
  gsi1pk: `${USER_PARTITION_PREFIX}${userId}`,
  gsi1sk: `${CONNECTION_PREFIX}${connectionId}`,
});

/**
 * API Gateway closes every connection after 2 hours, so no connection item outlives that; DynamoDB's TTL removes it
 * eventually, and reads skip it at once.
 */
export const CONNECTION_LIFETIME_SECONDS = 2 * 60 * 60;

/** How many users' connections are looked up at once. */
const LOOKUP_CONCURRENCY = 10;

export interface ConnectionRecord {
  readonly connectionId: string;
  readonly userId: string;
  /** ISO 8601. */
  readonly connectedAt: string;
  /** TTL: epoch seconds. */
  readonly expiresAt: number;
}

/** A connection to push to, and whose it is. */
export interface Recipient {
  readonly connectionId: string;
  readonly userId: string;
}

export class ConnectionStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async register(connection: ConnectionRecord): Promise<void> {
    const { connectionId, userId } = connection;
    await this.dynamodb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({
          ...connectionKey(connectionId),
          ...connectionIndexKeys(userId, connectionId),
          type: 'Connection',
          ...connection,
        }),
      }),
    );
  }

  /** Removing a connection that is already gone is not an error. */
  async remove(connectionId: string): Promise<void> {
    await this.dynamodb.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(connectionKey(connectionId)) }));
  }

  /** The user's live connections: expired items that TTL has not removed yet are skipped. */
  async connectionsOfUser(userId: string, nowSeconds: number): Promise<Recipient[]> {
    const { gsi1pk } = connectionIndexKeys(userId, '');
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: BY_USER_INDEX,
      KeyConditionExpression: 'gsi1pk = :user AND begins_with(gsi1sk, :connections)',
      FilterExpression: 'expiresAt > :now',
      ProjectionExpression: 'connectionId, userId',
      ExpressionAttributeValues: marshall({ ':user': gsi1pk, ':connections': CONNECTION_PREFIX, ':now': nowSeconds }),
    });
    return items.map((item) => ({ connectionId: String(item.connectionId), userId: String(item.userId) }));
  }

  /** User ids of the room's joined members (invited and banned users have membership items too). */
  async membersOfRoom(roomId: string): Promise<string[]> {
    const { pk } = roomKey(roomId);
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :room AND begins_with(sk, :members)',
      FilterExpression: '#status = :joined',
      ProjectionExpression: 'userId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: marshall({ ':room': pk, ':members': MEMBER_PREFIX, ':joined': 'JOINED' }),
    });
    return items.map((item) => String(item.userId));
  }

  /** The live connections of the room's members. */
  async recipientsInRoom(roomId: string, nowSeconds: number): Promise<Recipient[]> {
    const members = await this.membersOfRoom(roomId);
    const perMember = await mapWithConcurrency(members, LOOKUP_CONCURRENCY, (userId) => this.connectionsOfUser(userId, nowSeconds));
    return perMember.flat();
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let exclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.dynamodb.send(new QueryCommand({ ...input, ExclusiveStartKey: exclusiveStartKey }));
      for (const item of page.Items ?? []) items.push(unmarshall(item));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey !== undefined);
    return items;
  }
}

/** The store on CHAT_TABLE, with a DynamoDB client from the SDK's default configuration (traced). */
export const connectionStoreFromEnvironment: () => ConnectionStore = perEnvironment(
  [ENVIRONMENT.chatTable, ...SDK_ENVIRONMENT],
  () => new ConnectionStore(tracer.captureAWSv3Client(new DynamoDBClient({})), requireEnvironment(ENVIRONMENT.chatTable)),
);
