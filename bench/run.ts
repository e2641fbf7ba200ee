/**
 * `npm run bench [-- --quick]`: starts each target in its own process (the wavechat local cloud and the two
 * baselines, one at a time), drives it from separate subscriber processes, and writes bench/results/<date>.json and
 * the results section of docs/performance.md. See docs/performance.md for what is measured and how.
 */
import { cpus, totalmem, type as osType, release } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureFanout, measureIdle, measureWrites, MESSAGE_SIZE, type FanoutResult, type IdleResult, type WriteResult } from './measure.js';
import { SubscriberPool, TargetProcess } from './processes.js';
import { renderTable, writePerformanceDoc } from './report.js';
import {
  ROOM_ID,
  barePublisher,
  graphqlPublisher,
  prepareLocalRoom,
  statsRegistration,
  subscriberSetup,
} from './targets.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What a run measures; `--quick` is the under-two-minutes subset. */
export interface BenchPlan {
  readonly fanoutSizes: readonly number[];
  /** Messages per fan-out measurement, by subscriber count (about the same number of deliveries each). */
  readonly messagesFor: (subscribers: number) => number;
  readonly rawSizes: readonly number[];
  readonly rawMessages: number;
  readonly idleSizes: readonly number[];
  /** Idle raw WebSocket connections (each one runs the `$connect` Lambda, so they take longer to open). */
  readonly rawIdleSizes: readonly number[];
  readonly writeMessages: number;
  /** The write-path measurement starts no send after this many seconds (a loaded machine must not stretch it). */
  readonly writeSeconds: number;
  readonly writeConcurrency: number;
  /** sendMessage calls in flight during fan-out. */
  readonly publishConcurrency: number;
  readonly users: number;
  readonly subscriberProcesses: number;
}

/** The issue's targets are at 1,000 subscribers; the raw API, slow by design (one HTTP call per push), at 100. */
const QUICK: BenchPlan = {
  fanoutSizes: [1000],
  messagesFor: () => 60,
  rawSizes: [100],
  rawMessages: 3,
  idleSizes: [1000],
  rawIdleSizes: [100],
  writeMessages: 60,
  writeSeconds: 10,
  writeConcurrency: 8,
  publishConcurrency: 16,
  users: 4,
  subscriberProcesses: 2,
};

const FULL: BenchPlan = {
  fanoutSizes: [100, 1000, 5000],
  messagesFor: (n) => (n <= 100 ? 2000 : n <= 1000 ? 600 : 40),
  rawSizes: [100, 1000],
  rawMessages: 10,
  idleSizes: [1000, 10000],
  rawIdleSizes: [1000],
  writeMessages: 1000,
  writeSeconds: 120,
  writeConcurrency: 8,
  publishConcurrency: 16,
  users: 20,
  subscriberProcesses: 2,
};

export interface BenchResults {
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  /** The targets measured; ratios need all three. */
  readonly targets: readonly string[];
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly os: string; readonly node: string };
  readonly plan: Omit<BenchPlan, 'messagesFor'> & { readonly messageBodyBytes: number };
  readonly users: { readonly count: number; readonly msPerUser: number };
  readonly fanout: FanoutResult[];
  readonly idle: IdleResult[];
  readonly writes: WriteResult[];
  readonly durationSeconds: number;
}

function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

function logFanout(result: FanoutResult): void {
  log(
    `${result.target} ×${result.subscribers}: ${result.deliveredPerSecond} deliveries/s, p99 ${result.latencyMs.p99} ms, ` +
      `${result.delivered}/${result.expectedDeliveries}${result.complete ? '' : ' INCOMPLETE'}`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true } },
  });
  const quick = values.quick ?? false;
  // --only bare-ws|graphql-ws|local (repeatable): a partial run, for profiling one target; ratios need all three.
  const only = new Set<string>(values.only ?? ['bare-ws', 'graphql-ws', 'local']);
  const plan = quick ? QUICK : FULL;
  const started = Date.now();
  const fanout: FanoutResult[] = [];
  const idle: IdleResult[] = [];
  const writes: WriteResult[] = [];
  const subscribers = SubscriberPool.start(plan.subscriberProcesses);
  let users = { count: 0, msPerUser: 0 };
  try {
    for (const name of ['bare-ws', 'graphql-ws'] as const) {
      if (!only.has(name)) continue;
      log(`starting ${name}`);
      const server = await TargetProcess.start(name);
      try {
        const endpoints = server.endpoints;
        const protocol = name === 'bare-ws' ? 'bare' : 'graphql-transport-ws';
        const setup = subscriberSetup(protocol, endpoints.subscribeUrl, ROOM_ID);
        const publish = name === 'bare-ws' ? barePublisher(endpoints) : graphqlPublisher(endpoints.publishUrl, ROOM_ID);
        const registered = statsRegistration(endpoints);
        // Idle memory first, while the process has not yet grown and shrunk with a fan-out's buffers.
        for (const count of plan.idleSizes) {
          idle.push(await measureIdle({ target: name, server, subscribers, setup, count, registered }));
        }
        for (const count of plan.fanoutSizes) {
          const result = await measureFanout({
            target: name, server, subscribers, setup, count, messages: plan.messagesFor(count), publish,
            concurrency: plan.publishConcurrency, registered,
          });
          logFanout(result);
          fanout.push(result);
        }
        writes.push(await measureWrites(name, publish, plan, server));
      } finally {
        await server.stop();
      }
    }

    if (only.has('local')) await measureLocal(plan, subscribers, fanout, idle, writes, (u) => (users = u));
  } finally {
    subscribers.stop();
  }

  const { messagesFor: _messagesFor, ...planFields } = plan;
  const results: BenchResults = {
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick,
    targets: [...only],
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `${osType()} ${release()}`,
      node: process.version,
    },
    plan: { ...planFields, messageBodyBytes: MESSAGE_SIZE },
    users,
    fanout,
    idle,
    writes,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
  const resultsDir = path.join(ROOT_DIR, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${results.date.replace(/:/g, '-').replace(/\..*$/, '')}${quick ? '-quick' : ''}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  // Only a full run of every target updates the document: its ratios must come from one run, and a quick run's
  // few messages are not the figures to publish.
  const complete = only.size === 3 && !quick;
  if (complete) await writePerformanceDoc(path.join(ROOT_DIR, 'docs', 'performance.md'), results, path.relative(ROOT_DIR, file));
  console.log(`\n${renderTable(results)}\n`);
  log(`results: ${path.relative(ROOT_DIR, file)}${complete ? ', docs/performance.md' : ''} (${results.durationSeconds} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** The local cloud: GraphQL and raw WebSocket fan-out and idle connections, and the sendMessage write path. */
async function measureLocal(
  plan: BenchPlan,
  subscribers: SubscriberPool,
  fanout: FanoutResult[],
  idle: IdleResult[],
  writes: WriteResult[],
  setUsers: (users: { count: number; msPerUser: number }) => void,
): Promise<void> {
  log('starting the local cloud');
  const server = await TargetProcess.start('local');
  try {
    const endpoints = server.endpoints;
    log(`creating ${plan.users} users`);
    const room = await prepareLocalRoom(endpoints, plan.users);
    setUsers({ count: plan.users, msPerUser: Math.round(room.msPerUser) });
    log(`users ready (${Math.round(room.msPerUser)} ms per user)`);
    const publish = graphqlPublisher(endpoints.publishUrl, room.roomId, room.tokens[0]);
    const graphqlSetup = subscriberSetup('appsync', endpoints.subscribeUrl, room.roomId, room.tokens);
    for (const count of plan.idleSizes) {
      idle.push(await measureIdle({ target: 'local-graphql', server, subscribers, setup: graphqlSetup, count }));
    }
    for (const count of plan.fanoutSizes) {
      const result = await measureFanout({
        target: 'local-graphql', server, subscribers, setup: graphqlSetup, count, messages: plan.messagesFor(count), publish,
        concurrency: plan.publishConcurrency,
      });
      logFanout(result);
      fanout.push(result);
    }
    const rawSetup = subscriberSetup('raw', endpoints.rawUrl!, room.roomId, room.tokens);
    for (const count of plan.rawIdleSizes) {
      idle.push(await measureIdle({ target: 'local-raw-websocket', server, subscribers, setup: rawSetup, count, warmUp: true }));
    }
    for (const count of plan.rawSizes) {
      const result = await measureFanout({
        target: 'local-raw-websocket', server, subscribers, setup: rawSetup, count, messages: plan.rawMessages, publish,
        concurrency: plan.publishConcurrency,
      });
      logFanout(result);
      fanout.push(result);
    }
    writes.push(await measureWrites('local-graphql', publish, plan, server));
  } finally {
    await server.stop();
  }
}
