/**
 * Raw-WebSocket connections in the chat table (docs/data-model.md): one item per connection, keyed by its id, and
 * each user's open connections in one item per user (`USER#<userId>`/`CONNECTIONS`: a string set of
 * `<expiresAt>#<connectionId>`). A room's audience is its members (one Query on the room partition) and their
 * connections (one BatchGetItem of their sets per 100 members) — never a Scan, and never a read per member.
 */
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { MEMBER_PREFIX, USER_PARTITION_PREFIX, roomKey } from '../../resolvers/lib/keys.js';
import { ENVIRONMENT, SDK_ENVIRONMENT, perEnvironment, requireEnvironment } from './environment.js';
import { UnprocessedKeysError } from './errors.js';
import { tracer } from './powertools.js';

const CONNECTION_PREFIX = 'CONN#';

export const connectionKey = (connectionId: string) => ({ pk: `${CONNECTION_PREFIX}${connectionId}`, sk: 'CONN' });

/** The item holding a user's open connections, beside their send-rate counters in `USER#<userId>`. */
export const userConnectionsKey = (userId: string) => ({ pk: `${USER_PARTITION_PREFIX}${userId}`, sk: 'CONNECTIONS' });

/**
 * API Gateway closes every connection after 2 hours, so no connection item outlives that; DynamoDB's TTL removes it
 * eventually.
 */
export const CONNECTION_LIFETIME_SECONDS = 2 * 60 * 60;

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
/** Rounds of BatchGetItem for keys DynamoDB left unprocessed (throttling) before the lookup fails. */
const UNPROCESSED_ROUNDS = 5;

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

  /**
   * Stores the connection, then adds it to its user's set (so it is never in the set without its item), dropping
   * from the set any connection past its lifetime that no `$disconnect` removed.
   */
  async register(connection: ConnectionRecord): Promise<void> {
    const { connectionId, userId, expiresAt } = connection;
    await this.dynamodb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...connectionKey(connectionId), type: 'Connection', ...connection }),
      }),
    );
    const { Attributes: set } = await this.updateSet(userId, 'ADD', [setEntry(expiresAt, connectionId)]);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expired = (set?.['connections']?.SS ?? []).filter((entry) => !parseEntry(entry, nowSeconds).live);
    if (expired.length > 0) await this.updateSet(userId, 'DELETE', expired);
  }

  /** Removes the connection's item and its entry in its user's set. Removing one already gone is not an error. */
  async remove(connectionId: string): Promise<void> {
    const { Attributes: removed } = await this.dynamodb.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: marshall(connectionKey(connectionId)), ReturnValues: 'ALL_OLD' }),
    );
    const userId = removed?.['userId']?.S;
    const expiresAt = removed?.['expiresAt']?.N;
    if (userId === undefined || expiresAt === undefined) return;
    await this.updateSet(userId, 'DELETE', [setEntry(Number(expiresAt), connectionId)]);
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

  /** The live connections of the room's joined members: those past their lifetime (TTL pending) are skipped. */
  async recipientsInRoom(roomId: string, nowSeconds: number): Promise<Recipient[]> {
    const members = await this.membersOfRoom(roomId);
    const recipients: Recipient[] = [];
    for (let start = 0; start < members.length; start += BATCH_GET_LIMIT) {
      const keys = members.slice(start, start + BATCH_GET_LIMIT).map((userId) => marshall(userConnectionsKey(userId)));
      for (const item of await this.batchGet(keys)) {
        const userId = item['userId']?.S;
        if (userId === undefined) continue;
        for (const entry of item['connections']?.SS ?? []) {
          const { live, connectionId } = parseEntry(entry, nowSeconds);
          if (live) recipients.push({ connectionId, userId });
        }
      }
    }
    return recipients;
  }

  private updateSet(userId: string, action: 'ADD' | 'DELETE', entries: string[]) {
    return this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(userConnectionsKey(userId)),
        UpdateExpression: `${action} connections :entries SET #type = :type, userId = :userId`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':entries': { SS: entries },
          ':type': { S: 'UserConnections' },
          ':userId': { S: userId },
        },
        ReturnValues: action === 'ADD' ? 'ALL_NEW' : 'NONE',
      }),
    );
  }

  /** Every item of `keys` that exists, retrying unprocessed keys with a short backoff. */
  private async batchGet(keys: Record<string, AttributeValue>[]): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let pending = keys;
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === UNPROCESSED_ROUNDS) throw new UnprocessedKeysError(pending.length);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const answer = await this.dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ProjectionExpression: 'userId, connections' } },
        }),
      );
      items.push(...(answer.Responses?.[this.tableName] ?? []));
      pending = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return items;
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

/** A set entry: the expiry first, so a read can skip connections past their lifetime without their items. */
const setEntry = (expiresAt: number, connectionId: string) => `${expiresAt}#${connectionId}`;

function parseEntry(entry: string, nowSeconds: number): { readonly live: boolean; readonly connectionId: string } {
  const separator = entry.indexOf('#');
  return { live: Number(entry.slice(0, separator)) > nowSeconds, connectionId: entry.slice(separator + 1) };
}

/** The store on CHAT_TABLE, with a DynamoDB client from the SDK's default configuration (traced). */
export const connectionStoreFromEnvironment: () => ConnectionStore = perEnvironment(
  [ENVIRONMENT.chatTable, ...SDK_ENVIRONMENT],
  () => new ConnectionStore(tracer.captureAWSv3Client(new DynamoDBClient({})), requireEnvironment(ENVIRONMENT.chatTable)),
);
