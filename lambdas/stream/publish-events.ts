/**
 * The chat table's second stream consumer: publishes chat events (lambdas/shared/chat-events.ts) onto the app's
 * EventBridge bus for consumers other than the app (moderation, analytics, notifications). A consumer of its own,
 * not a step of chatStreamPush, so pushing to sockets and publishing events fail and retry independently.
 *
 * Events go out in stream order, up to 10 per PutEvents (its limit; ten entries of the largest message stay far
 * below its 256 KB). A record fails when its entry is refused (`FailedEntryCount` > 0) or its PutEvents call
 * fails; the entries after the first failure are not sent, since Lambda retries from the earliest failed record
 * (sending them now would publish them twice and out of order). Entries accepted in the same call as a refused
 * one are published again on retry: delivery is at least once, as EventBridge's own is.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { CHAT_EVENT_SOURCE, type ChatEvent } from '../shared/chat-events.js';
import { ENVIRONMENT, SDK_ENVIRONMENT, perEnvironment, requireEnvironment } from '../shared/environment.js';
import { countMetric, instrumented, logger, tracer } from '../shared/powertools.js';
import { eventOfRecord } from './event-records.js';

/** PutEvents takes at most this many entries. */
const MAX_ENTRIES_PER_CALL = 10;

const eventBridgeFromEnvironment = perEnvironment(SDK_ENVIRONMENT, () => tracer.captureAWSv3Client(new EventBridgeClient({})));

interface PendingEntry {
  readonly sequenceNumber: string;
  readonly entry: PutEventsRequestEntry;
}

export const handler = instrumented(
  'chatEventPublisher',
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const eventBusName = requireEnvironment(ENVIRONMENT.eventBusName);
    const pending = event.Records.flatMap((record): PendingEntry[] => {
      const chatEvent = chatEventOf(record);
      return chatEvent === undefined ? [] : [{ sequenceNumber: chatEvent.sequenceNumber, entry: toEntry(chatEvent.event, eventBusName) }];
    });
    const failed = await publish(eventBridgeFromEnvironment(), pending);
    countMetric('ChatEventsPublished', pending.length - failed.length);
    if (failed.length > 0) countMetric('ChatEventsFailed', failed.length);
    return { batchItemFailures: failed.map((sequenceNumber) => ({ itemIdentifier: sequenceNumber })) };
  },
);

function chatEventOf(record: DynamoDBRecord): { readonly sequenceNumber: string; readonly event: ChatEvent } | undefined {
  const parsed = DynamoDBStreamRecord.safeParse(record);
  if (!parsed.success) {
    // Retrying cannot fix a record's shape: report it and go on rather than block the shard.
    countMetric('StreamRecordsMalformed');
    logger.warn('Skipped a stream record that is not a DynamoDB stream record', { issues: parsed.error.issues });
    return undefined;
  }
  const found = eventOfRecord(parsed.data);
  // The schema requires a sequence number, so a parsed record has one.
  if (found.kind === 'event') return { sequenceNumber: record.dynamodb?.SequenceNumber ?? '', event: found.event };
  if (found.malformed !== undefined) {
    countMetric('StreamRecordsMalformed');
    logger.warn('Skipped an item without the fields of its kind', { reason: found.malformed });
  }
  return undefined;
}

function toEntry(event: ChatEvent, eventBusName: string): PutEventsRequestEntry {
  return { EventBusName: eventBusName, Source: CHAT_EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail) };
}

/** Sends the entries in order, 10 per call; returns the sequence numbers of the records that failed or were not sent. */
async function publish(client: EventBridgeClient, pending: readonly PendingEntry[]): Promise<string[]> {
  for (let start = 0; start < pending.length; start += MAX_ENTRIES_PER_CALL) {
    const chunk = pending.slice(start, start + MAX_ENTRIES_PER_CALL);
    const notSent = pending.slice(start + MAX_ENTRIES_PER_CALL).map((item) => item.sequenceNumber);
    try {
      const result = await client.send(new PutEventsCommand({ Entries: chunk.map((item) => item.entry) }));
      if ((result.FailedEntryCount ?? 0) === 0) continue;
      const refused: PendingEntry[] = [];
      for (const [index, item] of chunk.entries()) {
        const answer = result.Entries?.[index];
        if (answer?.ErrorCode === undefined) continue;
        refused.push(item);
        logger.error('EventBridge refused a chat event', {
          sequenceNumber: item.sequenceNumber,
          detailType: item.entry.DetailType,
          errorCode: answer.ErrorCode,
          errorMessage: answer.ErrorMessage,
        });
      }
      // A count without per-entry codes names no entry: the whole call is treated as failed.
      const failed = refused.length > 0 ? refused : chunk;
      return [...failed.map((item) => item.sequenceNumber), ...notSent];
    } catch (error) {
      logger.error('PutEvents failed', { error: error as Error, entries: chunk.length });
      return [...chunk.map((item) => item.sequenceNumber), ...notSent];
    }
  }
  return [];
}
