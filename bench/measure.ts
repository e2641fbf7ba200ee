/**
 * The measurements: fan-out of one room's messages to N subscribers, idle memory per subscribed connection, and
 * the write path. Each works against any target through a `Publisher` and a `SubscriberSetup`.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SubscriberPool, TargetProcess } from './processes.js';
import { benchBody, preciseNow, type ResourceUsage, type SubscriberSetup } from './ipc.js';
import { mergeSorted, percentile, round } from './stats.js';

/** Body length of every benchmark message (the 1 KB messages). */
export const MESSAGE_SIZE = 1024;
/** A measurement ends when every delivery arrived, or when none arrived for this long (then it is void). */
const STALL_MS = 15_000;
const WARM_UP_MESSAGES = 10;
/** How long after the last send's answer the write path's CPU is still counted (stream polling is ~1 s apart at most). */
const WRITE_SETTLE_MS = 2_000;

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
  /** CPU of the server's own child processes (local cloud: DynamoDB Local and cognito-local); null if unknown. */
  readonly childrenCpuMicrosPerDelivery: number | null;
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
  /** Server CPU per message sent, including the work the sends set off until it settles (stream consumers). */
  readonly serverCpuMicrosPerMessage: number;
  /** The same for the server's child processes (local cloud: DynamoDB Local and cognito-local); null if unknown. */
  readonly childrenCpuMicrosPerMessage: number | null;
}

function cpuMicros(usage: ResourceUsage): number {
  return usage.cpuUserMicros + usage.cpuSystemMicros;
}

/** Child-process CPU between two readings, per unit of work; null where it is not known. */
function childrenCpuPer(before: ResourceUsage, after: ResourceUsage, units: number): number | null {
  if (before.childrenCpuMicros === null || after.childrenCpuMicros === null) return null;
  return round((after.childrenCpuMicros - before.childrenCpuMicros) / Math.max(1, units), 2);
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

/**
 * With BENCH_CPU_PROFILE=<dir>, the server's main thread is profiled while `run` runs and the profile written to
 * `<dir>/<label>.cpuprofile`: one profile per measurement, without start-up, connects or warm-up.
 */
async function whileProfiling<T>(server: TargetProcess | undefined, label: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir || !server) return run();
  await mkdir(dir, { recursive: true });
  await server.startProfile();
  try {
    return await run();
  } finally {
    await server.stopProfile(path.join(dir, `${label}.cpuprofile`));
  }
}

/** Polls a delivery count until it reaches `expected` or stops changing for {@link STALL_MS}. */
async function waitForDeliveries(count: () => Promise<number>, expected: number): Promise<void> {
  let delivered = await count();
  let lastChange = Date.now();
  while (delivered < expected && Date.now() - lastChange < STALL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await count();
    if (now !== delivered) lastChange = Date.now();
    delivered = now;
  }
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
  // Warm-up: JIT and connection pools. Negative sequence numbers, which subscribers count apart. The measurement
  // starts once they are delivered (or stop arriving), so that no backlog of them (the raw API's pushes are slow)
  // is counted in it.
  await pool(WARM_UP_MESSAGES, options.concurrency, (i) => options.publish(benchBody(-1 - i, preciseNow(), MESSAGE_SIZE)));
  await waitForDeliveries(() => subscribers.warmUpDelivered(), count * WARM_UP_MESSAGES);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await subscribers.expect(messages);
  const expectedDeliveries = count * messages;
  const { before, after, startedAt } = await whileProfiling(server, `${options.target}-${count}`, async () => {
    const before = await server.usage(false);
    const startedAt = preciseNow();
    await pool(messages, options.concurrency, (sequence) => options.publish(benchBody(sequence, preciseNow(), MESSAGE_SIZE)));
    await waitForDeliveries(() => subscribers.delivered(), expectedDeliveries);
    return { before, after: await server.usage(false), startedAt };
  });
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
    deliveredPerSecond: deliveredTotal > 0 ? Math.round((deliveredTotal / durationMs) * 1000) : 0,
    latencyMs: summary(latencies),
    serverCpuMs: round(serverCpuMicros / 1000),
    serverCpuMicrosPerDelivery: round(serverCpuMicros / Math.max(1, deliveredTotal), 2),
    childrenCpuMicrosPerDelivery: childrenCpuPer(before, after, deliveredTotal),
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
  /**
   * Connect and close `count` sockets once before measuring: for the raw WebSocket API, whose `$connect` Lambda
   * starts worker threads (containers) as concurrency grows, memory that is not the connections'.
   */
  readonly warmUp?: boolean;
}

/** Server memory per connected, subscribed, idle client: the difference `count` connections make, after GC. */
export async function measureIdle(options: IdleOptions): Promise<IdleResult> {
  if (options.warmUp) {
    await options.subscribers.connect(options.setup, options.count);
    await options.subscribers.closeSockets();
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
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

/**
 * The write path alone: `writeMessages` sends, `writeConcurrency` at a time, timing each from request to response;
 * no send starts after `writeSeconds` (the result counts the sends made).
 */
export async function measureWrites(
  target: string,
  publish: Publisher,
  plan: { readonly writeMessages: number; readonly writeConcurrency: number; readonly writeSeconds: number },
  server: TargetProcess,
): Promise<WriteResult> {
  const concurrency = plan.writeConcurrency;
  const latencies: number[] = [];
  let errors = 0;
  let messages = 0;
  const before = await server.usage(false);
  const startedAt = preciseNow();
  const deadline = startedAt + plan.writeSeconds * 1000;
  await whileProfiling(server, `${target}-writes`, () =>
    pool(plan.writeMessages, concurrency, async (sequence) => {
      if (preciseNow() > deadline) return;
      messages += 1;
      const sentAt = preciseNow();
      try {
        await publish(benchBody(sequence, sentAt, MESSAGE_SIZE));
        latencies.push(preciseNow() - sentAt);
      } catch {
        errors += 1;
      }
    }),
  );
  const durationMs = preciseNow() - startedAt;
  // The work a send sets off after its answer (the local cloud's stream consumers) belongs to its cost.
  await new Promise((resolve) => setTimeout(resolve, WRITE_SETTLE_MS));
  const after = await server.usage(false);
  return {
    target,
    concurrency,
    messages,
    errors,
    messagesPerSecond: round(((messages - errors) / durationMs) * 1000),
    latencyMs: summary(mergeSorted([latencies])),
    serverCpuMicrosPerMessage: round((cpuMicros(after) - cpuMicros(before)) / Math.max(1, messages)),
    childrenCpuMicrosPerMessage: childrenCpuPer(before, after, messages),
  };
}
