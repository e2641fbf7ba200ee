/**
 * A local EventBridge endpoint: PutEvents over AWS's wire protocol (awsJson1_1, `POST /` with
 * `x-amz-target: AWSEvents.PutEvents`), so the unmodified `@aws-sdk/client-eventbridge` works against it through
 * `AWS_ENDPOINT_URL_EVENTBRIDGE`. It keeps what each bus receives, in arrival order, in a bounded ring buffer for
 * tests and logs each event at debug level. Rules and targets are not run (docs/local-vs-aws.md, "EventBridge");
 * signatures are not checked. Knows AWS, not the app: the buses are whatever it is started with.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { LOCAL_ACCOUNT_ID } from '../account.js';
import { EventWaitTimeoutError, LocalEventBridgeClosedError, LocalEventBridgeOptionsError, UnknownEventBusError } from './errors.js';
import { entriesOf, judgeEntry, MAX_REQUEST_ENTRY_BYTES, type AcceptedEntry, type RequestError } from './put-events.js';

export { EventWaitTimeoutError, LocalEventBridgeClosedError, LocalEventBridgeOptionsError, UnknownEventBusError } from './errors.js';

/** An event as EventBridge hands it to rule targets. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 to the second, e.g. `2026-11-23T16:40:00Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

export interface LocalEventBridgeOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** The buses that exist besides `default`; PutEvents to any other fails its entries with ResourceNotFoundException. */
  readonly buses: readonly string[];
  /** The region events claim when the request's signature names none. @default 'us-east-1' */
  readonly region?: string;
  /** Events kept per bus; older ones are dropped. @default 1000 */
  readonly capacityPerBus?: number;
  /** Where accepted events are logged (at debug level). @default a pino logger at info level, so silent */
  readonly logger?: Pick<Logger, 'debug'>;
}

export interface LocalEventBridge {
  /** `http://host:port`: the value for `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  readonly endpoint: string;
  /**
   * The events `busName` holds, oldest first.
   * @throws {@link UnknownEventBusError} for a bus it was not started with
   */
  events(busName: string): readonly BusEvent[];
  /**
   * The first event, held or still to come, that `predicate` accepts.
   * @throws {@link EventWaitTimeoutError} after `timeoutMs` (default 5000)
   * @throws {@link LocalEventBridgeClosedError} when closed first
   */
  waitFor(predicate: (event: BusEvent, busName: string) => boolean, options?: { readonly timeoutMs?: number }): Promise<BusEvent>;
  /** Stops listening and fails pending `waitFor`s. Safe to call more than once. */
  close(): Promise<void>;
}

const TARGET = 'AWSEvents.PutEvents';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const DEFAULT_CAPACITY = 1000;
const DEFAULT_WAIT_MS = 5000;
/** Bodies beyond this are refused unread: their entries cannot fit in 256 KB. */
const MAX_BODY_BYTES = 4 * MAX_REQUEST_ENTRY_BYTES;

interface Waiter {
  readonly predicate: (event: BusEvent, busName: string) => boolean;
  readonly resolve: (event: BusEvent) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Starts the endpoint.
 *
 * @example
 * ```ts
 * const bus = await startLocalEventBridge({ buses: ['chat-events'] });
 * process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
 * // … code under test calls PutEvents on 'chat-events' …
 * const posted = await bus.waitFor((event) => event['detail-type'] === 'MessagePosted');
 * await bus.close();
 * ```
 */
export async function startLocalEventBridge(options: LocalEventBridgeOptions): Promise<LocalEventBridge> {
  const capacity = options.capacityPerBus ?? DEFAULT_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new LocalEventBridgeOptionsError(`capacityPerBus must be a positive integer, got ${capacity}`);
  }
  const defaultRegion = options.region ?? 'us-east-1';
  const logger = options.logger ?? pino({ name: 'local-eventbridge', level: 'info' });
  const stored = new Map<string, BusEvent[]>(['default', ...options.buses].map((name) => [name, []]));
  const busNames = new Set(stored.keys());
  let waiters: Waiter[] = [];

  const keep = (busName: string, event: BusEvent) => {
    const events = stored.get(busName) as BusEvent[];
    events.push(event);
    if (events.length > capacity) events.shift();
    logger.debug({ busName, event }, `EventBridge ${busName}: ${event.source} ${event['detail-type']}`);
    const matched = waiters.filter((waiter) => waiter.predicate(event, busName));
    if (matched.length === 0) return;
    waiters = waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(event);
  };

  const putEvents = (body: unknown, region: string): { status: number; answer: unknown } => {
    const request = entriesOf(body);
    if ('error' in request) return refusal(request.error);
    const verdicts = request.entries.map((entry) => judgeEntry(entry, busNames));
    const answers = verdicts.map((verdict) => {
      if (!('accepted' in verdict)) return { ErrorCode: verdict.errorCode, ErrorMessage: verdict.errorMessage };
      const event = busEventOf(verdict.accepted, region);
      keep(verdict.accepted.busName, event);
      return { EventId: event.id };
    });
    return { status: 200, answer: { Entries: answers, FailedEntryCount: answers.filter((answer) => 'ErrorCode' in answer).length } };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const reply = (status: number, answer: unknown) => {
      response.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() });
      response.end(JSON.stringify(answer));
    };
    if (request.method !== 'POST') return reply(404, { __type: 'UnknownOperationException', message: `${request.method} is not supported` });
    const target = request.headers['x-amz-target'];
    if (target !== TARGET) {
      return reply(400, { __type: 'UnknownOperationException', message: `The operation ${String(target)} is not supported by the local EventBridge` });
    }
    const text = await readBody(request);
    if (text === undefined) return reply(400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(400, { __type: 'SerializationException', message: 'The request body is not valid JSON' });
    }
    const { status, answer } = putEvents(body, regionOf(request) ?? defaultRegion);
    reply(status, answer);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': CONTENT_TYPE });
      response.end(JSON.stringify({ __type: 'InternalException', message: String(error) }));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    events(busName) {
      const events = stored.get(busName);
      if (events === undefined) throw new UnknownEventBusError(busName, [...busNames]);
      return [...events];
    },
    waitFor(predicate, waitOptions = {}) {
      for (const [busName, events] of stored) {
        const found = events.find((event) => predicate(event, busName));
        if (found !== undefined) return Promise.resolve(found);
      }
      if (closed) return Promise.reject(new LocalEventBridgeClosedError());
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS;
      return new Promise<BusEvent>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((other) => other !== waiter);
          reject(new EventWaitTimeoutError(timeoutMs));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const waiter of waiters) waiter.reject(new LocalEventBridgeClosedError());
        waiters = [];
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function refusal(error: RequestError): { status: number; answer: unknown } {
  return { status: 400, answer: { __type: error.type, message: error.message } };
}

function busEventOf(entry: AcceptedEntry, region: string): BusEvent {
  const time = entry.time === undefined ? new Date() : new Date(entry.time * 1000);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.detailType,
    source: entry.source,
    account: LOCAL_ACCOUNT_ID,
    time: `${time.toISOString().slice(0, 19)}Z`,
    region,
    resources: entry.resources,
    detail: entry.detail,
  };
}

/** The region of the SigV4 credential scope: `Credential=AKID/20261123/eu-west-1/events/aws4_request`. */
function regionOf(request: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/events\//.exec(request.headers.authorization ?? '')?.[1];
}

/** The body as text, or undefined when it is larger than any acceptable request (read to the end, kept no further). */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}
