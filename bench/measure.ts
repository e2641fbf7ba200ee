/**
 * The measurements: fan-out of one room's messages to N subscribers, idle memory per subscribed connection, and
 * the write path. Each works against any target through a `Publisher` and a `SubscriberSetup`.
 */
import type { SubscriberPool, TargetProcess } from './processes.js';
import { benchBody, preciseNow, type ResourceUsage, type SubscriberSetup } from './ipc.js';
import { mergeSorted, percentile, round } from './stats.js';

/** Body length of every benchmark message (the 1 KB messages). */
export const MESSAGE_SIZE = 1024;
/** A measurement ends when every delivery arrived, or when none arrived for this long (then it is void). */
const STALL_MS = 15_000;
const WARM_UP_MESSAGES = 10;

/** Sends one message with the given body and resolves when the server answered. */
export type Publisher = (body: string) => Promise<void>;

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface FanoutResult {
  readonly target: string;
  readonly subscribers: number;
  readonly messages: number;
  readonly expectedDeliveries: number;
  readonly delivered: number;
  readonly duplicates: number;
  /** Every subscriber got every message exactly once; a result that is not complete is void. */
  readonly complete: boolean;
  readonly durationMs: number;
  readonly deliveredPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** Server CPU (user + system) over the measurement. */
  readonly serverCpuMs: number;
  readonly serverCpuMicrosPerDelivery: number;
  readonly serverRssMb: number;
  readonly serverHeapMb: number;
}

export interface IdleResult {
  readonly target: string;
  readonly connections: number;
  readonly rssBytesPerConnection: number;
  readonly heapBytesPerConnection: number;
}

export interface WriteResult {
  readonly target: string;
  readonly concurrency: number;
  readonly messages: number;
  readonly errors: number;
  readonly messagesPerSecond: number;
  readonly latencyMs: LatencySummary;
}

function cpuMicros(usage: ResourceUsage): number {
  return usage.cpuUserMicros + usage.cpuSystemMicros;
}

function summary(sorted: ArrayLike<number>): LatencySummary {
  return {
    p50: round(percentile(sorted, 50), 2),
    p95: round(percentile(sorted, 95), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN, 2),
  };
}

/** Runs `count` tasks, at most `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export interface FanoutOptions {
  readonly target: string;
  readonly server: TargetProcess;
  readonly subscribers: SubscriberPool;
  readonly setup: SubscriberSetup;
  readonly count: number;
  readonly messages: number;
  readonly publish: Publisher;
  /** Messages in flight at once. */
  readonly concurrency: number;
  /** Resolves once the server holds `count` subscriptions (for protocols without a subscribe acknowledgement). */
  readonly registered?: (count: number) => Promise<void>;
}

/** Connects `count` subscribers, publishes `messages` messages and waits until each subscriber got each one. */
export async function measureFanout(options: FanoutOptions): Promise<FanoutResult> {
  const { server, subscribers, count, messages } = options;
  await subscribers.connect(options.setup, count);
  await options.registered?.(count);
  // Warm-up: JIT and connection pools. Negative sequence numbers, which subscribers ignore.
  await pool(WARM_UP_MESSAGES, options.concurrency, (i) => options.publish(benchBody(-1 - i, preciseNow(), MESSAGE_SIZE)));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await subscribers.expect(messages);
  const expectedDeliveries = count * messages;
  const before = await server.usage(false);
  const startedAt = preciseNow();
  await pool(messages, options.concurrency, (sequence) => options.publish(benchBody(sequence, preciseNow(), MESSAGE_SIZE)));
  let delivered = await subscribers.delivered();
  let lastChange = Date.now();
  while (delivered < expectedDeliveries && Date.now() - lastChange < STALL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await subscribers.delivered();
    if (now !== delivered) lastChange = Date.now();
    delivered = now;
  }
  const after = await server.usage(false);
  const reports = await subscribers.collect();
  await subscribers.closeSockets();
  const latencies = mergeSorted(reports.map((r) => r.latenciesMs));
  const lastReceipt = Math.max(...reports.map((r) => r.lastReceiptMs));
  const durationMs = lastReceipt - startedAt;
  const complete =
    reports.every((r) => r.completeSockets === r.sockets && r.duplicates === 0) &&
    reports.reduce((n, r) => n + r.sockets, 0) === count;
  const serverCpuMicros = cpuMicros(after) - cpuMicros(before);
  const deliveredTotal = reports.reduce((n, r) => n + r.delivered, 0);
  return {
    target: options.target,
    subscribers: count,
    messages,
    expectedDeliveries,
    delivered: deliveredTotal,
    duplicates: reports.reduce((n, r) => n + r.duplicates, 0),
    complete,
    durationMs: round(durationMs),
    deliveredPerSecond: Math.round((deliveredTotal / durationMs) * 1000),
    latencyMs: summary(latencies),
    serverCpuMs: round(serverCpuMicros / 1000),
    serverCpuMicrosPerDelivery: round(serverCpuMicros / Math.max(1, deliveredTotal), 2),
    serverRssMb: round(after.rssBytes / 2 ** 20),
    serverHeapMb: round(after.heapUsedBytes / 2 ** 20),
  };
}

export interface IdleOptions {
  readonly target: string;
  readonly server: TargetProcess;
  readonly subscribers: SubscriberPool;
  readonly setup: SubscriberSetup;
  readonly count: number;
  readonly registered?: (count: number) => Promise<void>;
}

/** Server memory per connected, subscribed, idle client: the difference `count` connections make, after GC. */
export async function measureIdle(options: IdleOptions): Promise<IdleResult> {
  const before = await options.server.usage(true);
  await options.subscribers.connect(options.setup, options.count);
  await options.registered?.(options.count);
  // Let buffers of the handshakes drain before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await options.server.usage(true);
  await options.subscribers.closeSockets();
  return {
    target: options.target,
    connections: options.count,
    rssBytesPerConnection: Math.round((after.rssBytes - before.rssBytes) / options.count),
    heapBytesPerConnection: Math.round((after.heapUsedBytes - before.heapUsedBytes) / options.count),
  };
}

/** The write path alone: `messages` sends, `concurrency` at a time, timing each from request to response. */
export async function measureWrites(
  target: string,
  publish: Publisher,
  messages: number,
  concurrency: number,
): Promise<WriteResult> {
  const latencies: number[] = [];
  let errors = 0;
  const startedAt = preciseNow();
  await pool(messages, concurrency, async (sequence) => {
    const sentAt = preciseNow();
    try {
      await publish(benchBody(sequence, sentAt, MESSAGE_SIZE));
      latencies.push(preciseNow() - sentAt);
    } catch {
      errors += 1;
    }
  });
  const durationMs = preciseNow() - startedAt;
  return {
    target,
    concurrency,
    messages,
    errors,
    messagesPerSecond: round(((messages - errors) / durationMs) * 1000),
    latencyMs: summary(mergeSorted([latencies])),
  };
}
