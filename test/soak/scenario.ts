/**
 * The "no loss, no duplicates" soak: one local cloud as `npm start` runs it, one room, senders on both protocols
 * (the SDK over GraphQL, each user in a worker thread; clients/ws over the raw WebSocket API), subscribers on both,
 * and a chaos loop that resets clients' TCP connections at random (seeded) so that reconnects, resent requests,
 * retried sends and catch-up all run under load. At the end every subscriber's view is compared with the server's
 * history and every acknowledged send with what is stored.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { ChatConnectError, connectChat, type ChatClient, type WebSocketConstructor } from '../../clients/ws/index.js';
import { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../../lambdas/app.js';
import { chatApiWith } from '../../resolvers/api.js';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.js';
import { signIn } from '../../local/cognito/index.js';
import { CREATE_ROOM, MESSAGES, type Message } from '../support/chat-documents.js';
import { addUser, ROOT_DIR } from '../support/cloud.js';
import { seededRandom, startChaosProxy, type ChaosProxy } from '../support/chaos-proxy.js';
import {
  checkHistory,
  checkSubscriber,
  messageBody,
  type Acknowledgement,
  type Delivery,
  type HistoryFigures,
  type StoredMessage,
  type SubscriberFigures,
} from './ledger.js';
import { cpuSpent, sampleCpu } from './cpu-meter.js';
import { SdkUser, spawnSdkWorker } from '../support/sdk-user.js';

export interface SoakOptions {
  /** Messages sent in all. */
  readonly messages: number;
  /** Seeds the chaos schedule (which client is cut when, for how long). */
  readonly seed: number;
  readonly graphqlSenders: number;
  readonly webSocketSenders: number;
  /** Sequential sends each sender runs side by side (each stream keeps its own order). */
  readonly streamsPerSender: number;
  readonly graphqlSubscribers: number;
  readonly webSocketSubscribers: number;
  /** Whether the chaos loop runs (off: a baseline without cuts). */
  readonly chaos: boolean;
  /** A subscriber's connections are reset every `[min, max]` ms. */
  readonly subscriberCutEveryMs: readonly [number, number];
  /** A sender's connections are reset every `[min, max]` ms. */
  readonly senderCutEveryMs: readonly [number, number];
  /** How long a cut refuses new connections: `[min, max]` ms. */
  readonly outageMs: readonly [number, number];
  /** After the last acknowledgement, how long subscribers get to catch up. */
  readonly settleTimeoutMs: number;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
}

export interface SubscriberReport extends SubscriberFigures {
  readonly name: string;
  readonly protocol: 'graphql' | 'websocket';
  readonly handedOver: number;
  readonly cuts: number;
  readonly reconnects: number;
  readonly errors: readonly string[];
  /** The client's connection state at the end. */
  readonly connectionState: string;
}

export interface SoakReport {
  readonly options: Omit<SoakOptions, 'log'>;
  readonly sent: number;
  readonly acknowledged: number;
  /** Sends that failed at least once and were sent again with the same clientMessageId. */
  readonly retriedSends: number;
  readonly sendAttemptsFailed: number;
  /** Failed send attempts by error message. */
  readonly sendFailures: Readonly<Record<string, number>>;
  /** Sends that never got an acknowledgement, with their last error. */
  readonly unacknowledgedSends: readonly string[];
  readonly history: HistoryFigures;
  readonly subscribers: readonly SubscriberReport[];
  readonly cuts: { readonly subscribers: number; readonly senders: number; readonly connectionsReset: number };
  readonly streamErrors: readonly string[];
  /** CPU milliseconds each process spent while the messages were sent, largest first. */
  readonly cpuDuringSends: readonly (readonly [string, number])[];
  readonly sendSeconds: number;
  readonly settleSeconds: number;
  readonly totalSeconds: number;
  readonly acknowledgedPerSecond: number;
  readonly sendLatencyMs: { readonly p50: number; readonly p95: number; readonly max: number };
}

/** Attempts per send before the soak gives up on it (a retry waits up to 2 s). */
const MAX_SEND_ATTEMPTS = 40;

interface Sender {
  readonly name: string;
  readonly proxy: ChaosProxy;
  send(roomId: string, body: string, clientMessageId: string): Promise<string>;
}

interface Subscriber {
  readonly name: string;
  readonly protocol: 'graphql' | 'websocket';
  readonly proxy: ChaosProxy;
  readonly deliveries: readonly Delivery[];
  readonly reconnects: number;
  readonly errors: readonly string[];
  /** The connection's state now, as the client reports it. */
  readonly connectionState: string;
}

interface Participant {
  readonly proxy: ChaosProxy;
  readonly kind: 'subscriber' | 'sender';
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const between = (random: () => number, [min, max]: readonly [number, number]) => min + random() * (max - min);

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** A GraphQL request over plain HTTP with a user's ID token (the room's owner: setup and the final history). */
async function graphqlAs<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors?.length || result.data === undefined) throw new Error(`GraphQL failed: ${JSON.stringify(result)}`);
  return result.data;
}

/** The room's whole history, oldest first, read page by page. */
async function readHistory(url: string, token: string, roomId: string): Promise<StoredMessage[]> {
  const newestFirst: Message[] = [];
  let nextToken: string | null = null;
  do {
    const page: { messages: { items: Message[]; nextToken: string | null } } = await graphqlAs(url, token, MESSAGES, {
      roomId,
      limit: 100,
      nextToken,
    });
    newestFirst.push(...page.messages.items);
    nextToken = page.messages.nextToken;
  } while (nextToken !== null);
  return newestFirst.reverse();
}

function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString().replace(/\/$/, '');
}

/**
 * Runs the soak and returns its figures; throws only when the setup fails (the caller asserts on the report).
 *
 * @example
 * const report = await runSoak({ ...defaultSoakOptions(), messages: 500 });
 * expect(report.subscribers.every((s) => s.lost === 0)).toBe(true);
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { log } = options;
  const startedAt = performance.now();
  const streamErrors: string[] = [];
  const lambdaLog: string[] = [];
  // The SDK users' workers load aws-amplify while the cloud starts.
  const workers = Array.from({ length: options.graphqlSenders + options.graphqlSubscribers }, () => spawnSdkWorker());
  const stopWorkers = () => Promise.allSettled(workers.map(async (worker) => (await worker).terminate()));
  const cloud: LocalCloud = await startLocalCloud({
    // The send rate limit stays on (its cost is part of every send) but above what the soak's users send.
    api: chatApiWith({ messagesPerWindow: options.messages + 1 }),
    functions: chatFunctions,
    webSocketApi: chatWebSocketApi,
    streamConsumers: chatStreamConsumers,
    rootDir: ROOT_DIR,
    lambdaLog: (functionName, line) => {
      lambdaLog.push(`${functionName}: ${line}`);
      if (lambdaLog.length > 500) lambdaLog.shift();
    },
    onStreamError: (error) => {
      streamErrors.push(error instanceof Error ? error.message : String(error));
    },
  }).catch(async (error: unknown) => {
    await stopWorkers();
    throw error;
  });
  // Workers not handed to a user yet are ended with the others.
  const closers: (() => Promise<unknown>)[] = [stopWorkers];
  try {
    return await soakIn(cloud, options, workers, closers, startedAt, () => [...streamErrors]);
  } catch (error) {
    log(`failed; the Lambda functions' last log lines:\n${lambdaLog.slice(-40).join('\n')}`);
    throw error;
  } finally {
    log('stopping…');
    await Promise.allSettled(closers.reverse().map((close) => close()));
    await cloud.stop();
  }
}

async function soakIn(
  cloud: LocalCloud,
  options: SoakOptions,
  workers: readonly Promise<Worker>[],
  closers: (() => Promise<unknown>)[],
  startedAt: number,
  streamErrors: () => readonly string[],
): Promise<SoakReport> {
  const { log } = options;
  const graphqlUrl = cloud.appsync.graphqlUrl;
  const webSocketUrl = cloud.webSocket?.url;
  if (webSocketUrl === undefined) throw new Error('The local cloud has no raw WebSocket API');
  const appsyncPort = Number(new URL(graphqlUrl).port);
  const webSocketPort = Number(new URL(webSocketUrl).port);

  const tokenOf = async (user: { email: string; password: string }) =>
    (await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, user.email, user.password)).idToken;
  const owner = await addUser(cloud, 'soak-owner');
  const ownerToken = await tokenOf(owner);
  const room = await graphqlAs<{ createRoom: { id: string } }>(graphqlUrl, ownerToken, CREATE_ROOM, {
    input: { name: 'soak', visibility: 'PUBLIC' },
  });
  const roomId = room.createRoom.id;

  const proxied = async <T>(port: number, close: () => Promise<unknown>, start: (proxy: ChaosProxy) => Promise<T>) => {
    const proxy = await startChaosProxy(port);
    closers.push(() => proxy.close());
    const started = await start(proxy);
    closers.push(close);
    return { proxy, started };
  };

  let workersTaken = 0;
  /** An SDK user (on a worker spawned early) whose connections, HTTP and real-time, go through its own chaos proxy. */
  const sdkUser = async (name: string) => {
    const worker = workers[workersTaken++];
    let sdk: SdkUser | undefined;
    const { proxy, started } = await proxied(appsyncPort, async () => sdk?.close(), async (proxy) => {
      const { outputs } = cloud;
      const url = withPort(graphqlUrl, proxy.port);
      sdk = await SdkUser.signUp(cloud, name, { worker, outputs: { ...outputs, data: { ...outputs.data, url } } });
      return sdk;
    });
    await started.chat.members.join(roomId);
    return { proxy, sdk: started };
  };

  /** A raw WebSocket client whose socket goes through its own chaos proxy. */
  const webSocketUser = async (name: string) => {
    const user = await addUser(cloud, name);
    const token = await tokenOf(user);
    let client: ChatClient | undefined;
    const errors: string[] = [];
    const { proxy, started } = await proxied(webSocketPort, async () => client?.close(), async (proxy) => {
      // A first handshake may meet a cold $connect authorizer on a loaded machine (a 500 when it times out):
      // try again, as an app would.
      for (let attempt = 1; client === undefined; attempt += 1) {
        try {
          client = await connectChat({
            url: withPort(webSocketUrl, proxy.port),
            token,
            WebSocket: WebSocket as unknown as WebSocketConstructor,
            reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
          });
        } catch (error) {
          if (!(error instanceof ChatConnectError) || attempt === 5) throw error;
          log(`${name}: ${error.message}; connecting again`);
        }
      }
      client.on('error', (error) => errors.push(error.message));
      return client;
    });
    await started.join(roomId);
    return { proxy, client: started, errors };
  };

  log(`setting up: ${options.graphqlSenders}+${options.webSocketSenders} senders, ${options.graphqlSubscribers}+${options.webSocketSubscribers} subscribers`);
  const subscribers: Subscriber[] = [];
  const senders: Sender[] = [];

  const addGraphqlSubscriber = async (index: number) => {
    const name = `graphql-subscriber-${index + 1}`;
    const { proxy, sdk } = await sdkUser(name);
    const deliveries: Delivery[] = [];
    const errors: string[] = [];
    await sdk.chat.messages.subscribe(
      roomId,
      (message) => deliveries.push({ id: message.id, version: message.version, body: message.body }),
      { known: [], onError: (error) => errors.push(error.message) },
    );
    subscribers.push({
      name,
      protocol: 'graphql',
      proxy,
      deliveries,
      get reconnects() {
        return sdk.reconnects;
      },
      get connectionState() {
        return sdk.connectionState ?? 'none';
      },
      errors,
    });
  };
  const addWebSocketSubscriber = async (index: number) => {
    const name = `websocket-subscriber-${index + 1}`;
    const { proxy, client, errors } = await webSocketUser(name);
    const deliveries: Delivery[] = [];
    let reconnects = 0;
    let lostConnection = false;
    client.on('message', (message) => deliveries.push({ id: message.id, version: message.version, body: message.body }));
    client.on('state', (state) => {
      if (state === 'reconnecting') lostConnection = true;
      if (state === 'open' && lostConnection) {
        reconnects += 1;
        lostConnection = false;
      }
    });
    subscribers.push({
      name,
      protocol: 'websocket',
      proxy,
      deliveries,
      get reconnects() {
        return reconnects;
      },
      get connectionState() {
        return client.state;
      },
      errors,
    });
  };
  const addGraphqlSender = async (index: number) => {
    const name = `graphql-sender-${index + 1}`;
    const { proxy, sdk } = await sdkUser(name);
    senders.push({
      name,
      proxy,
      send: async (room, body, clientMessageId) =>
        (await sdk.chat.messages.send({ roomId: room, body, clientMessageId })).id,
    });
  };
  const addWebSocketSender = async (index: number) => {
    const name = `websocket-sender-${index + 1}`;
    const { proxy, client } = await webSocketUser(name);
    senders.push({
      name,
      proxy,
      send: async (room, body, clientMessageId) => (await client.send(room, body, { clientMessageId })).id,
    });
  };
  const times = (count: number, add: (index: number) => Promise<void>) =>
    Array.from({ length: count }, (_, index) => add(index));

  // Raw WebSocket clients first, one at a time: a burst of handshakes cold-starts a $connect Lambda container per
  // handshake, which the SDK workers' start-up (each loads aws-amplify) can push past the authorizer's timeout.
  for (let index = 0; index < options.webSocketSubscribers; index += 1) await addWebSocketSubscriber(index);
  for (let index = 0; index < options.webSocketSenders; index += 1) await addWebSocketSender(index);
  await Promise.all([...times(options.graphqlSubscribers, addGraphqlSubscriber), ...times(options.graphqlSenders, addGraphqlSender)]);
  subscribers.sort((a, b) => a.name.localeCompare(b.name));
  senders.sort((a, b) => a.name.localeCompare(b.name));
  log(`ready after ${((performance.now() - startedAt) / 1000).toFixed(1)} s; room ${roomId}; chaos seed ${options.seed}`);

  // Chaos: each participant has its own seeded schedule, so a seed replays the same cuts for the same client.
  const participants: Participant[] = [
    ...subscribers.map((subscriber) => ({ proxy: subscriber.proxy, kind: 'subscriber' as const })),
    ...senders.map((sender) => ({ proxy: sender.proxy, kind: 'sender' as const })),
  ];
  const cutsOf = new Map<ChaosProxy, number>();
  const chaosOver = new AbortController();
  // Every participant's pause listens to it at once.
  setMaxListeners(participants.length, chaosOver.signal);
  const chaos = participants.map(async (participant, index) => {
    const random = seededRandom(options.seed + index);
    const every = participant.kind === 'subscriber' ? options.subscriberCutEveryMs : options.senderCutEveryMs;
    while (options.chaos) {
      const slept = await sleep(between(random, every), true, { signal: chaosOver.signal }).catch(() => false);
      if (!slept) return;
      participant.proxy.cut(between(random, options.outageMs));
      cutsOf.set(participant.proxy, (cutsOf.get(participant.proxy) ?? 0) + 1);
    }
  });

  // Sends: every stream takes the next message number until all are taken, and sends it until acknowledged.
  const acknowledged: Acknowledgement[] = [];
  const unacknowledgedSends: string[] = [];
  const latencies: number[] = [];
  let taken = 0;
  let retriedSends = 0;
  let sendAttemptsFailed = 0;
  /** Why send attempts failed, by message, for the report. */
  const failureKinds = new Map<string, number>();
  const runId = Date.now().toString(36);
  const sendStartedAt = performance.now();
  const cpuAtStart = sampleCpu();
  const progress = setInterval(() => {
    const seconds = (performance.now() - sendStartedAt) / 1000;
    log(`${seconds.toFixed(0)} s: ${acknowledged.length}/${options.messages} acknowledged (${(acknowledged.length / seconds).toFixed(1)}/s), ${sendAttemptsFailed} failed attempts`);
  }, 10_000);
  const streams = senders.flatMap((sender) =>
    Array.from({ length: options.streamsPerSender }, async (_, streamIndex) => {
      const stream = `${sender.name}/${streamIndex + 1}`;
      for (let sequence = 1; taken < options.messages; sequence += 1) {
        taken += 1;
        const body = messageBody(stream, sequence);
        const clientMessageId = `soak-${runId}-${stream}-${sequence}`;
        const began = performance.now();
        let lastError = '';
        for (let attempt = 1; ; attempt += 1) {
          try {
            const messageId = await sender.send(roomId, body, clientMessageId);
            acknowledged.push({ clientMessageId, messageId });
            latencies.push(performance.now() - began);
            if (attempt > 1) retriedSends += 1;
            break;
          } catch (error) {
            sendAttemptsFailed += 1;
            lastError = error instanceof Error ? error.message : String(error);
            failureKinds.set(lastError.slice(0, 120), (failureKinds.get(lastError.slice(0, 120)) ?? 0) + 1);
            if (attempt === MAX_SEND_ATTEMPTS) {
              unacknowledgedSends.push(`${clientMessageId}: ${lastError}`);
              break;
            }
            await delay(Math.min(2_000, 50 * 2 ** attempt));
          }
        }
      }
    }),
  );
  await Promise.all(streams);
  clearInterval(progress);
  const sendSeconds = (performance.now() - sendStartedAt) / 1000;
  const cpuDuringSends = cpuSpent(cpuAtStart, sampleCpu());
  log(`sent: ${acknowledged.length} acknowledged in ${sendSeconds.toFixed(1)} s (${(acknowledged.length / sendSeconds).toFixed(1)}/s)`);

  chaosOver.abort();
  for (const participant of participants) participant.proxy.restore();
  await Promise.all(chaos);

  // After the last cut: the server's history, then every subscriber's catch-up towards it.
  const settleStartedAt = performance.now();
  await Promise.all(cloud.streamPollers.map((poller) => poller.drain(60_000)));
  const storedHistory = await readHistory(graphqlUrl, ownerToken, roomId);
  const settled = () => subscribers.every((subscriber) => checkSubscriber(storedHistory, subscriber.deliveries).lost === 0);
  for (let waited = 0; !settled() && performance.now() - settleStartedAt < options.settleTimeoutMs; waited += 1) {
    if (waited % 40 === 39) {
      const behind = subscribers
        .map((subscriber) => ({ subscriber, lost: checkSubscriber(storedHistory, subscriber.deliveries).lost }))
        .filter(({ lost }) => lost > 0)
        .map(({ subscriber, lost }) => `${subscriber.name} misses ${lost} (${subscriber.connectionState})`);
      log(`catching up: ${behind.join(', ')}`);
    }
    await delay(250);
  }
  const settleSeconds = (performance.now() - settleStartedAt) / 1000;
  // Late duplicates would arrive right after the catch-up: give them a moment to show.
  await delay(1_000);

  latencies.sort((a, b) => a - b);
  const { log: _log, ...settings } = options;
  return {
    options: settings,
    sent: taken,
    acknowledged: acknowledged.length,
    retriedSends,
    sendAttemptsFailed,
    sendFailures: Object.fromEntries(failureKinds),
    unacknowledgedSends,
    history: checkHistory(storedHistory, acknowledged),
    subscribers: subscribers.map((subscriber) => ({
      name: subscriber.name,
      protocol: subscriber.protocol,
      handedOver: subscriber.deliveries.length,
      cuts: cutsOf.get(subscriber.proxy) ?? 0,
      reconnects: subscriber.reconnects,
      errors: [...subscriber.errors],
      connectionState: subscriber.connectionState,
      ...checkSubscriber(storedHistory, subscriber.deliveries),
    })),
    cuts: {
      subscribers: subscribers.reduce((sum, subscriber) => sum + (cutsOf.get(subscriber.proxy) ?? 0), 0),
      senders: senders.reduce((sum, sender) => sum + (cutsOf.get(sender.proxy) ?? 0), 0),
      connectionsReset: participants.reduce((sum, participant) => sum + participant.proxy.connectionsReset, 0),
    },
    streamErrors: streamErrors(),
    cpuDuringSends,
    sendSeconds,
    settleSeconds,
    totalSeconds: (performance.now() - startedAt) / 1000,
    acknowledgedPerSecond: acknowledged.length / sendSeconds,
    sendLatencyMs: {
      p50: Math.round(percentile(latencies, 0.5)),
      p95: Math.round(percentile(latencies, 0.95)),
      max: Math.round(latencies[latencies.length - 1] ?? 0),
    },
  };
}

/** The soak's settings from the environment (`SOAK_MESSAGES`, `SOAK_SEED`, …), with the defaults of `npm run test:soak`. */
export function soakOptionsFromEnvironment(env: NodeJS.ProcessEnv, log: (line: string) => void): SoakOptions {
  const number = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative number, not ${value}`);
    return parsed;
  };
  return {
    messages: number('SOAK_MESSAGES', 10_000),
    seed: number('SOAK_SEED', Math.floor(Math.random() * 2 ** 31)),
    graphqlSenders: number('SOAK_GRAPHQL_SENDERS', 4),
    webSocketSenders: number('SOAK_WEBSOCKET_SENDERS', 4),
    streamsPerSender: number('SOAK_STREAMS_PER_SENDER', 3),
    graphqlSubscribers: number('SOAK_GRAPHQL_SUBSCRIBERS', 3),
    webSocketSubscribers: number('SOAK_WEBSOCKET_SUBSCRIBERS', 3),
    chaos: env.SOAK_CHAOS !== 'off',
    subscriberCutEveryMs: [4_000, 16_000],
    senderCutEveryMs: [8_000, 32_000],
    outageMs: [0, 2_000],
    settleTimeoutMs: number('SOAK_SETTLE_MS', 90_000),
    log,
  };
}

/** The report as the lines the soak prints. */
export function formatReport(report: SoakReport): string[] {
  const { history } = report;
  const cpuTotal = report.cpuDuringSends.reduce((sum, [, ms]) => sum + ms, 0);
  const lines = [
    `seed ${report.options.seed}  (SOAK_SEED=${report.options.seed} replays the chaos schedule)`,
    `messages sent ${report.sent}, acknowledged ${report.acknowledged}, stored ${history.stored}; ` +
      `retried sends ${report.retriedSends} (${report.sendAttemptsFailed} failed attempts), never acknowledged ${report.unacknowledgedSends.length}`,
    ...Object.entries(report.sendFailures).map(([message, count]) => `  ${count} × ${message}`),
    `history: acknowledged but missing ${history.acknowledgedMissing.length}, stored twice ${history.storedTwice.length}, ` +
      `acknowledged with another id ${history.acknowledgedMismatched.length}, stored without acknowledgement ${history.unacknowledged.length}`,
    `cuts forced: ${report.cuts.subscribers} on subscribers, ${report.cuts.senders} on senders (${report.cuts.connectionsReset} TCP connections reset); stream delivery errors ${report.streamErrors.length}` +
      (report.streamErrors.length > 0 ? ` (first: ${report.streamErrors[0]})` : ''),
    'subscriber                 received     lost  duplicated  out of order  unknown  cuts  reconnects  = history  connection at the end',
    ...report.subscribers.map(
      (s) =>
        `${s.name.padEnd(26)} ${String(s.received).padStart(8)} ${String(s.lost).padStart(8)} ${String(s.duplicated).padStart(11)} ` +
        `${String(s.outOfOrder).padStart(13)} ${String(s.unknown).padStart(8)} ${String(s.cuts).padStart(5)} ${String(s.reconnects).padStart(11)}  ${s.matchesHistory ? 'yes' : 'NO'}` +
        `  ${s.connectionState}` +
        (s.errors.length > 0 ? `  (${s.errors.length} errors, first: ${s.errors[0]})` : ''),
    ),
    `duration ${report.totalSeconds.toFixed(1)} s (sending ${report.sendSeconds.toFixed(1)} s, catch-up after the last send ${report.settleSeconds.toFixed(1)} s); ` +
      `throughput ${report.acknowledgedPerSecond.toFixed(1)} acknowledged messages/s, ` +
      `${((report.acknowledged * report.subscribers.length) / report.sendSeconds).toFixed(0)} subscriber deliveries/s; ` +
      `send latency p50 ${report.sendLatencyMs.p50} ms, p95 ${report.sendLatencyMs.p95} ms, max ${report.sendLatencyMs.max} ms`,
    `CPU while sending: ${cpuTotal.toFixed(0)} ms, ${(cpuTotal / Math.max(1, report.acknowledged)).toFixed(1)} ms per message — ` +
      report.cpuDuringSends.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', '),
  ];
  return lines;
}
