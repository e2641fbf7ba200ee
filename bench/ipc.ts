/**
 * What the benchmark's processes say to each other over Node's IPC channel: the orchestrator (bench/run.ts), the
 * server under test (bench/server.ts, one process per target) and the subscriber processes (bench/subscriber.ts).
 */

/** The servers measured: the local cloud's two real-time paths and the two baselines. */
export type TargetName = 'local' | 'bare-ws' | 'graphql-ws';

/** The wire protocols subscribers speak. */
export type SubscriberProtocol = 'appsync' | 'raw' | 'bare' | 'graphql-transport-ws';

/** Where the target listens, sent by bench/server.ts once it is ready. */
export interface TargetEndpoints {
  /** Where the publisher POSTs: a GraphQL endpoint (local, graphql-ws) or the bare server's /publish. */
  readonly publishUrl: string;
  /** Where subscribers connect (the local AppSync's real-time URL, over ws://). */
  readonly subscribeUrl: string;
  /** Local cloud only: the raw WebSocket API's stage URL. */
  readonly rawUrl?: string;
  /** Local cloud only: cognito-local and the pool, to create users. */
  readonly cognito?: { readonly endpoint: string; readonly userPoolId: string; readonly userPoolClientId: string };
  /** Baselines: how many subscriptions the server holds (GET), to know every subscription is registered. */
  readonly statsUrl?: string;
}

export interface ResourceUsage {
  /** process.cpuUsage() of the server process: user and system microseconds. */
  readonly cpuUserMicros: number;
  readonly cpuSystemMicros: number;
  /**
   * CPU (user + system) of the server's descendant processes, in microseconds: for the local cloud, DynamoDB Local
   * (Java) and cognito-local, which share the machine's cores with it. Null where `/proc` is not available.
   */
  readonly childrenCpuMicros: number | null;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Memory outside the V8 heap that V8 knows of (socket buffers held as ArrayBuffers among them). */
  readonly externalBytes: number;
}

export type ServerRequest =
  | { readonly type: 'usage'; readonly collectGarbage: boolean }
  /** Starts the V8 CPU profiler of the server's main thread. */
  | { readonly type: 'profile-start' }
  /** Stops it and writes the profile to `file` (a `.cpuprofile` for Chrome DevTools or `node --cpu-prof` tools). */
  | { readonly type: 'profile-stop'; readonly file: string }
  | { readonly type: 'stop' };
export type ServerReport =
  | { readonly type: 'ready'; readonly endpoints: TargetEndpoints }
  | { readonly type: 'usage'; readonly usage: ResourceUsage }
  | { readonly type: 'profiled' }
  | { readonly type: 'failed'; readonly message: string };

/** How one subscriber socket identifies itself and subscribes. */
export interface SubscriberSetup {
  readonly protocol: SubscriberProtocol;
  readonly url: string;
  readonly roomId: string;
  /** Cognito ID tokens, used round-robin across sockets (local cloud only). */
  readonly tokens: readonly string[];
  /** The `host` the AppSync authorization object names. */
  readonly host?: string;
  /** The subscription document (appsync, graphql-transport-ws). */
  readonly query?: string;
}

export type SubscriberRequest =
  | { readonly type: 'connect'; readonly setup: SubscriberSetup; readonly count: number }
  /** Starts a measurement: `messages` sequence numbers are expected on every socket. */
  | { readonly type: 'expect'; readonly messages: number }
  /** How many deliveries so far (cheap; `collect` ships every latency). */
  | { readonly type: 'progress' }
  | { readonly type: 'collect' }
  | { readonly type: 'close' };

export interface DeliveryReport {
  readonly sockets: number;
  /** Sockets that got every expected message exactly once. */
  readonly completeSockets: number;
  readonly delivered: number;
  readonly duplicates: number;
  /** End-to-end latencies in ms (send timestamp in the payload to receipt), one per delivery. */
  readonly latenciesMs: number[];
  /** Absolute time (ms since the epoch, sub-ms precision) of the last delivery. */
  readonly lastReceiptMs: number;
  /** Sockets that closed during the measurement. */
  readonly closedSockets: number;
}

export type SubscriberReport =
  | { readonly type: 'connected'; readonly sockets: number }
  /** Deliveries of the measurement so far, and of warm-up messages (negative sequence numbers) since connecting. */
  | { readonly type: 'progress'; readonly delivered: number; readonly warmUpDelivered: number }
  | { readonly type: 'delivery'; readonly report: DeliveryReport }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly message: string };

/**
 * The marker every benchmark message body starts with: `bench|<sequence>|<send time in ms>|` and padding.
 * Subscribers find it in the raw frame text, so they need not parse the JSON of each frame.
 */
export const BODY_MARKER = 'bench|';

/** Absolute time in ms with sub-millisecond precision; comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A message body of exactly `size` characters carrying its sequence number and send time. */
export function benchBody(sequence: number, sentAtMs: number, size: number): string {
  const head = `${BODY_MARKER}${sequence}|${sentAtMs.toFixed(3)}|`;
  return head + 'x'.repeat(Math.max(0, size - head.length));
}
