/**
 * The chat table's stream consumer: pushes every new, edited and deleted message to the raw-WebSocket connections
 * of the room's members. Messages from GraphQL clients and from the bridge alike arrive here, since both are written
 * by the API's sendMessage: this is the one place raw connections are fed.
 *
 * Records are handled in order (an edit never overtakes its message). A record fails when its audience cannot be
 * read or a connection cannot be reached for a reason other than having gone away; the records after it are then
 * skipped rather than pushed twice, since Lambda retries from the earliest failed record. Partial failures are
 * reported as `batchItemFailures`.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { connectionStoreFromEnvironment, type ConnectionStore, type Recipient } from '../shared/connection-store.js';
import { DeliveryError, SkippedAfterFailureError } from '../shared/errors.js';
import { countMetric, instrumented, logger } from '../shared/powertools.js';
import { pusherFromEnvironment, type ConnectionPusher } from '../shared/pusher.js';
import { changeOf } from './changes.js';

export const handler = instrumented(
  'chatStreamPush',
  async (event: DynamoDBStreamEvent, context): Promise<DynamoDBBatchResponse> => {
    const audiences = new RoomAudiences(connectionStoreFromEnvironment());
    const pusher = pusherFromEnvironment();
    // Per invocation: a processor keeps the batch's state, and local invocations may overlap.
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    let failed = false;
    const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
      if (failed) throw new SkippedAfterFailureError(record.dynamodb?.SequenceNumber ?? 'unknown');
      try {
        await pushChange(record, audiences, pusher);
      } catch (error) {
        failed = true;
        logger.error('Stream record failed', { sequenceNumber: record.dynamodb?.SequenceNumber, error: error as Error });
        throw error;
      }
    };
    return processPartialResponse(event, handleRecord, processor, { context, processInParallel: false });
  },
);

async function pushChange(record: DynamoDBRecord, audiences: RoomAudiences, pusher: ConnectionPusher): Promise<void> {
  const parsed = DynamoDBStreamRecord.safeParse(record);
  if (!parsed.success) {
    // Retrying cannot fix a record's shape: report it and go on rather than block the shard.
    countMetric('StreamRecordsMalformed');
    logger.warn('Skipped a stream record that is not a DynamoDB stream record', { issues: parsed.error.issues });
    return;
  }
  const change = changeOf(parsed.data);
  if (change.kind === 'audienceChanged') {
    audiences.forget();
    return;
  }
  if (change.kind === 'ignored') {
    if (change.malformed !== undefined) {
      countMetric('StreamRecordsMalformed');
      logger.warn('Skipped a Message item without the fields of a message', { reason: change.malformed });
    }
    return;
  }
  const recipients = await audiences.of(change.roomId);
  const report = await pusher.pushToAll(
    recipients.map((recipient) => recipient.connectionId),
    change.frame,
  );
  audiences.withoutConnections(change.roomId, report.gone);
  countMetric('MessageEventsPushed');
  if (report.failures.length > 0) throw new DeliveryError(report.failures);
}

/**
 * Room audiences looked up during one batch, so a burst of messages in one room costs one lookup. Forgotten when
 * the batch itself changes a membership or connection, since records are handled in order; connections that
 * answered 410 leave the cached audience at once.
 */
class RoomAudiences {
  private readonly byRoom = new Map<string, Promise<Recipient[]>>();

  constructor(private readonly store: ConnectionStore) {}

  of(roomId: string): Promise<Recipient[]> {
    let audience = this.byRoom.get(roomId);
    if (audience === undefined) {
      audience = this.store.recipientsInRoom(roomId, Math.floor(Date.now() / 1000));
      this.byRoom.set(roomId, audience);
      audience.catch(() => this.byRoom.delete(roomId));
    }
    return audience;
  }

  /** Drops connections found gone, so later records of the batch do not post to them again. */
  withoutConnections(roomId: string, connectionIds: readonly string[]): void {
    const audience = this.byRoom.get(roomId);
    if (audience === undefined || connectionIds.length === 0) return;
    const gone = new Set(connectionIds);
    this.byRoom.set(
      roomId,
      audience.then((recipients) => recipients.filter((recipient) => !gone.has(recipient.connectionId))),
    );
  }

  forget(): void {
    this.byRoom.clear();
  }
}
