/** Log lines for DynamoDB stream batches delivered to a function. */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { LocalLogger } from './logger.js';

type StreamInvoke = (event: DynamoDBStreamEvent) => Promise<unknown>;

/**
 * `invoke`, logging each batch it delivers: `batch of 3 records (INSERT 2, MODIFY 1) → push: ok (25 ms)`, with the
 * items the function reported failed, or its error (the poller retries the batch).
 */
export function withBatchLogging(
  invoke: StreamInvoke,
  logger: LocalLogger,
  functionName: string,
  shardId: string,
): StreamInvoke {
  return async (event) => {
    const startedAt = performance.now();
    const records = event.Records.length;
    const batch = `batch of ${records} record${records === 1 ? '' : 's'} (${eventNames(event)}) → ${functionName}`;
    const fields = { functionName, shardId, records };
    try {
      const result = await invoke(event);
      const durationMs = Math.round(performance.now() - startedAt);
      const failures = (result as { batchItemFailures?: unknown[] } | null)?.batchItemFailures?.length ?? 0;
      const outcome = failures > 0 ? `${failures} item failure${failures === 1 ? '' : 's'}` : 'ok';
      logger.info({ ...fields, durationMs, failures }, `${batch}: ${outcome} (${durationMs} ms)`);
      return result;
    } catch (error) {
      const durationMs = Math.round(performance.now() - startedAt);
      logger.warn({ ...fields, durationMs, err: error }, `${batch}: failed (${durationMs} ms)`);
      throw error;
    }
  };
}

/** `INSERT 2, MODIFY 1` */
function eventNames(event: DynamoDBStreamEvent): string {
  const counts = new Map<string, number>();
  for (const record of event.Records) {
    const name = record.eventName ?? '?';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => `${name} ${count}`).join(', ');
}
