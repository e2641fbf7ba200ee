/**
 * Delivering one batch of a shard the way Lambda's event source mapping does: invoke, and on failure retry, bisect
 * or checkpoint (`batchItemFailures`) until every record has succeeded or been discarded after its retries.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { BatchDiscardedError, FunctionBatchError, InvalidBatchResponseError } from './errors.js';

/** A record read from a shard, converted, with what batching needs to know about it. */
export interface BufferedRecord {
  readonly sequenceNumber: string;
  readonly record: DynamoDBRecord;
  /** Size of the record in the invocation payload. */
  readonly payloadBytes: number;
}

export interface RetryBackoff {
  /** Wait before the first retry; it doubles at each further retry of the same records. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface DeliverySettings {
  readonly functionName: string;
  readonly shardId: string;
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1: until success. */
  readonly maximumRetryAttempts: number;
  readonly reportBatchItemFailures: boolean;
  readonly backoff: RetryBackoff;
  readonly report: (error: unknown) => void;
  /** Aborting ends the delivery between invocations (an invocation under way is awaited). */
  readonly signal: AbortSignal;
}

/** Records still to deliver, and how often they have been retried as they are. */
interface Segment {
  readonly records: readonly BufferedRecord[];
  readonly retries: number;
}

/** Outcome of one invocation: everything succeeded, or the records from `failedFrom` on did not. */
type InvocationOutcome =
  | { readonly succeeded: true }
  | { readonly succeeded: false; readonly failedFrom: number; readonly cause: unknown };

/**
 * Delivers a batch; resolves once each record has been part of a successful invocation (or checkpointed by one) or
 * discarded. Order is kept: a segment is settled before anything after it is sent. Bisecting (in halves, or at the
 * first reported failure) costs no retry, as in Lambda; a retry of the same records waits an exponential backoff.
 *
 * @throws the abort reason when `settings.signal` is aborted
 */
export async function deliverBatch(batch: readonly BufferedRecord[], settings: DeliverySettings): Promise<void> {
  const pending: Segment[] = [{ records: batch, retries: 0 }];
  for (let segment = pending.shift(); segment !== undefined; segment = pending.shift()) {
    settings.signal.throwIfAborted();
    const outcome = await invokeOnce(segment.records, settings);
    if (outcome.succeeded) continue;

    const { failedFrom, cause } = outcome;
    const sent = segment.records.map((buffered) => buffered.record);
    settings.report(new FunctionBatchError(settings.functionName, settings.shardId, sent, failedFrom, cause));
    const failed = segment.records.slice(failedFrom);

    if (settings.bisectBatchOnFunctionError) {
      if (failedFrom > 0) {
        pending.unshift({ records: failed, retries: 0 });
        continue;
      }
      if (failed.length > 1) {
        const half = Math.ceil(failed.length / 2);
        pending.unshift({ records: failed.slice(0, half), retries: 0 }, { records: failed.slice(half), retries: 0 });
        continue;
      }
    }

    const retries = segment.retries + 1;
    if (settings.maximumRetryAttempts !== -1 && retries > settings.maximumRetryAttempts) {
      const discarded = failed.map((buffered) => buffered.record);
      settings.report(
        new BatchDiscardedError(settings.functionName, settings.shardId, discarded, segment.retries, cause),
      );
      continue;
    }
    await delay(backoffDelay(settings.backoff, retries), undefined, { signal: settings.signal });
    pending.unshift({ records: failed, retries });
  }
}

/** Wait before retry number `retry` (1-based). */
export function backoffDelay(backoff: RetryBackoff, retry: number): number {
  return Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.min(retry - 1, 30));
}

async function invokeOnce(records: readonly BufferedRecord[], settings: DeliverySettings): Promise<InvocationOutcome> {
  let response: unknown;
  try {
    // A fresh copy each time: the function may mutate its event, and the same records may be sent again.
    response = await settings.invoke({ Records: records.map((buffered) => structuredClone(buffered.record)) });
  } catch (error) {
    return { succeeded: false, failedFrom: 0, cause: error };
  }
  return settings.reportBatchItemFailures ? batchResponseOutcome(response, records) : { succeeded: true };
}

/**
 * Lambda's reading of a batch response: no response, no `batchItemFailures` or an empty list is success; otherwise
 * the lowest reported sequence number is the checkpoint; an entry that names no record of the batch fails it whole.
 */
function batchResponseOutcome(response: unknown, records: readonly BufferedRecord[]): InvocationOutcome {
  if (typeof response !== 'object' || response === null) return { succeeded: true };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { succeeded: true };
  if (!Array.isArray(failures)) return wholeBatchFailed(response);
  if (failures.length === 0) return { succeeded: true };

  let failedFrom = records.length;
  for (const failure of failures as unknown[]) {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof identifier === 'string' ? records.findIndex((r) => r.sequenceNumber === identifier) : -1;
    if (index === -1) return wholeBatchFailed(response);
    failedFrom = Math.min(failedFrom, index);
  }
  return { succeeded: false, failedFrom, cause: undefined };
}

function wholeBatchFailed(response: unknown): InvocationOutcome {
  return { succeeded: false, failedFrom: 0, cause: new InvalidBatchResponseError(response) };
}
