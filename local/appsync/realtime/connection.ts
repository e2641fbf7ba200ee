/**
 * One real-time connection's protocol state machine, independent of the socket library: it is fed incoming text
 * and writes frames through a `RealtimeTransport`.
 *
 * Lifecycle: the connect authorization is checked as soon as the socket opens; `connection_init` is answered with
 * `connection_ack` (then `ka` at once and every `keepAliveIntervalMs`) or with `connection_error` and a close.
 * Messages other than `connection_init` are ignored until the ack ([AWS-RT]).
 */
import type { AuthRequest, Authentication } from '../auth/types.js';
import {
  BAD_REQUEST_ERROR_CODE,
  ClientMessageType,
  RealtimeErrorType,
  UNAUTHORIZED_ERROR_CODE,
  completeFrame,
  connectionAckFrame,
  connectionErrorFrame,
  dataFrame,
  errorFrame,
  keepAliveFrame,
  maxSubscriptionsReachedFrame,
  startAckFrame,
  type RealtimeError,
  type ServerFrame,
  type SubprotocolErrorMessage,
} from './protocol.js';
import { toHeaderRecord, type HandshakeAuthorization } from './handshake.js';
import type { RealtimeBackend, SubscriptionSink } from './types.js';

/** How frames leave and how the socket is closed. */
export interface RealtimeTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface ConnectionSettings {
  /** e.g. `/graphql`; connect is authorised for `<graphqlPath>/connect`, starts for `<graphqlPath>`. */
  readonly graphqlPath: string;
  readonly keepAliveIntervalMs: number;
  /** Advertised in `connection_ack`: how long the client waits for a `ka` before it gives up. */
  readonly connectionTimeoutMs: number;
  readonly maxConnectionDurationMs: number;
  /** `start`s beyond this many live subscriptions get `MaxSubscriptionsReachedError`. */
  readonly maxSubscriptionsPerConnection: number;
}

/** What the upgrade request said, as far as the protocol cares. */
export type Handshake =
  | { readonly kind: 'authorization'; readonly authorization: HandshakeAuthorization; readonly sourceIp: string }
  | { readonly kind: 'malformed-authorization'; readonly message: string }
  | { readonly kind: 'subprotocol-refused'; readonly message: SubprotocolErrorMessage };

/** WebSocket close codes used when the server ends a connection. */
export enum CloseCode {
  Normal = 1000,
  GoingAway = 1001,
  ProtocolError = 1002,
  PolicyViolation = 1008,
}

type ConnectOutcome =
  | { readonly ok: true; readonly auth: Authentication; readonly headers: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: RealtimeError };

type ConnectionPhase = 'awaiting-init' | 'initialising' | 'ready';

interface SubscriptionRecord {
  readonly id: string;
  acked: boolean;
  /** Set once the client stopped it or the server closed it; later sink calls are ignored. */
  endedBy: 'client' | 'server' | undefined;
  /** Frames (serialised) produced before `start_ack`, sent right after it. */
  readonly held: string[];
}

/**
 * The JSON of event payloads, by payload object. The engine hands every subscriber of one projection the same
 * object, so a fan-out serialises each payload once instead of once per subscriber. Payloads are not mutated after
 * publication; entries go when the payload is collected.
 */
const payloadJson = new WeakMap<object, string>();

/** The text of `dataFrame(id, data)`, reusing the payload's JSON across subscribers. */
function dataFrameText(id: string, data: unknown): string {
  if (typeof data !== 'object' || data === null) return JSON.stringify(dataFrame(id, data));
  let json = payloadJson.get(data);
  if (json === undefined) {
    json = JSON.stringify(data);
    payloadJson.set(data, json);
  }
  // The key order of `dataFrame`, so the text equals JSON.stringify(dataFrame(id, data)).
  return `{"type":"data","id":${JSON.stringify(id)},"payload":{"data":${json}}}`;
}

interface ParsedMessage {
  readonly type: unknown;
  readonly id: unknown;
  readonly payload: unknown;
}

/**
 * The protocol for one socket. `server.ts` drives it from `ws`; anything that can send text and close can.
 *
 * @example
 * ```ts
 * const connection = new RealtimeConnection(randomUUID(), backend, settings, {
 *   send: (text) => socket.send(text),
 *   close: (code, reason) => socket.close(code, reason),
 * });
 * socket.on('message', (data) => connection.receive(String(data)));
 * socket.on('close', () => connection.closed());
 * connection.open(handshake);
 * ```
 */
export class RealtimeConnection {
  private phase: ConnectionPhase = 'awaiting-init';
  private isClosed = false;
  private connectOutcome: Promise<ConnectOutcome> | undefined;
  private connectAuth: Extract<ConnectOutcome, { ok: true }> | undefined;
  private sourceIp = '';
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions = new Map<string, SubscriptionRecord>();

  constructor(
    readonly id: string,
    private readonly backend: RealtimeBackend,
    private readonly settings: ConnectionSettings,
    private readonly transport: RealtimeTransport,
  ) {}

  /** The socket is open: refuse a bad subprotocol at once, otherwise start checking the connect authorization. */
  open(handshake: Handshake): void {
    if (handshake.kind === 'subprotocol-refused') {
      this.send(connectionErrorFrame([{ message: handshake.message, errorCode: BAD_REQUEST_ERROR_CODE }]));
      this.closeTransport(CloseCode.ProtocolError, handshake.message);
      return;
    }
    this.lifetimeTimer = setTimeout(
      () => this.closeTransport(CloseCode.Normal, 'Maximum connection duration reached'),
      this.settings.maxConnectionDurationMs,
    );
    this.connectOutcome =
      handshake.kind === 'malformed-authorization'
        ? Promise.resolve({
            ok: false,
            error: {
              errorType: RealtimeErrorType.BadRequest,
              message: handshake.message,
              errorCode: BAD_REQUEST_ERROR_CODE,
            },
          })
        : this.authenticateConnect(handshake.authorization, handshake.sourceIp);
  }

  /** One text message from the client. Never throws: protocol problems become `error` frames. */
  receive(text: string): void {
    if (this.isClosed) return;
    const message = parseMessage(text);
    const ready = this.phase === 'ready';
    if (!message) {
      if (ready) this.sendError(undefined, RealtimeErrorType.BadRequest, 'The message is not a JSON object.');
      return;
    }
    if (message.type === ClientMessageType.ConnectionInit) {
      if (this.phase === 'awaiting-init') void this.acknowledge();
      return;
    }
    if (!ready) return;
    const id = typeof message.id === 'string' && message.id !== '' ? message.id : undefined;
    switch (message.type) {
      case ClientMessageType.Start:
        void this.start(id, message.payload);
        return;
      case ClientMessageType.Stop:
        this.stop(id);
        return;
      default:
        this.sendError(
          id,
          typeof message.type === 'string' ? RealtimeErrorType.UnsupportedOperation : RealtimeErrorType.BadRequest,
          typeof message.type === 'string'
            ? `${message.type} not supported through the realtime channel`
            : 'The message has no type.',
        );
    }
  }

  /** The socket is gone (either side closed it): stop timers and tell the backend. Idempotent. */
  closed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.keepAliveTimer);
    clearTimeout(this.lifetimeTimer);
    for (const record of this.subscriptions.values()) record.endedBy ??= 'client';
    this.subscriptions.clear();
    this.backend.disconnect(this.id);
  }

  private async authenticateConnect(authorization: HandshakeAuthorization, sourceIp: string): Promise<ConnectOutcome> {
    this.sourceIp = sourceIp;
    const request: AuthRequest = {
      method: 'POST',
      path: `${this.settings.graphqlPath}/connect`,
      headers: authorization.headers,
      body: authorization.body,
      sourceIp,
    };
    try {
      return { ok: true, auth: await this.backend.authenticate(request), headers: authorization.headers };
    } catch (error) {
      const errorType = errorTypeOf(error) ?? RealtimeErrorType.Unauthorized;
      return {
        ok: false,
        error: {
          errorType,
          message: messageOf(error),
          errorCode: errorType === RealtimeErrorType.BadRequest ? BAD_REQUEST_ERROR_CODE : UNAUTHORIZED_ERROR_CODE,
        },
      };
    }
  }

  private async acknowledge(): Promise<void> {
    this.phase = 'initialising';
    const outcome = await this.connectOutcome;
    if (this.isClosed || !outcome) return;
    if (!outcome.ok) {
      this.send(connectionErrorFrame([outcome.error]));
      this.closeTransport(CloseCode.PolicyViolation, outcome.error.message);
      return;
    }
    this.connectAuth = outcome;
    this.phase = 'ready';
    this.send(connectionAckFrame(this.settings.connectionTimeoutMs));
    this.send(keepAliveFrame());
    this.keepAliveTimer = setInterval(() => this.send(keepAliveFrame()), this.settings.keepAliveIntervalMs);
  }

  private async start(id: string | undefined, payload: unknown): Promise<void> {
    if (id === undefined) {
      this.sendError(undefined, RealtimeErrorType.BadRequest, 'The start message has no subscription id.');
      return;
    }
    const data = isObject(payload) ? payload['data'] : undefined;
    if (!isObject(payload) || typeof data !== 'string') {
      this.sendError(id, RealtimeErrorType.UnsupportedOperation, 'unknown not supported through the realtime channel');
      return;
    }
    if (this.subscriptions.has(id)) {
      this.sendError(id, RealtimeErrorType.DuplicatedOperation, `Subscription id ${id} is already in use on this connection.`);
      return;
    }
    // Starts still being authorised count too, so a burst of starts cannot overshoot the quota.
    const limit = this.settings.maxSubscriptionsPerConnection;
    if (this.subscriptions.size >= limit) {
      this.send(maxSubscriptionsReachedFrame(id, limit));
      return;
    }
    const extensions = payload['extensions'];
    const rawAuthorization = isObject(extensions) ? extensions['authorization'] : undefined;
    const headers = rawAuthorization === undefined ? undefined : toHeaderRecord(rawAuthorization);
    if (rawAuthorization !== undefined && headers === undefined) {
      this.sendError(id, RealtimeErrorType.BadRequest, 'payload.extensions.authorization must be an object of strings.');
      return;
    }

    const record: SubscriptionRecord = { id, acked: false, endedBy: undefined, held: [] };
    this.subscriptions.set(id, record);
    const forget = (): void => {
      if (this.subscriptions.get(id) === record) this.subscriptions.delete(id);
    };

    let auth: Authentication;
    const connectAuth = this.connectAuth;
    if (headers === undefined && connectAuth) {
      auth = connectAuth.auth;
    } else {
      try {
        auth = await this.backend.authenticate({
          method: 'POST',
          path: this.settings.graphqlPath,
          headers: headers ?? {},
          body: data,
          sourceIp: this.sourceIp,
        });
      } catch (error) {
        forget();
        if (!record.endedBy) this.sendError(id, errorTypeOf(error) ?? RealtimeErrorType.Unauthorized, messageOf(error));
        return;
      }
    }
    if (stoppedByClient(record)) {
      forget();
      return;
    }

    let result;
    try {
      result = await this.backend.start({
        connectionId: this.id,
        subscriptionId: id,
        data,
        auth,
        headers: headers ?? connectAuth?.headers ?? {},
        sink: this.sinkFor(record),
      });
    } catch (error) {
      forget();
      if (!record.endedBy) this.sendError(id, RealtimeErrorType.InternalFailure, messageOf(error));
      return;
    }
    if (!result.ok) {
      forget();
      if (!record.endedBy) this.send(errorFrame(id, result.errors));
      return;
    }
    if (this.isClosed || stoppedByClient(record)) {
      // Registered after the client left (stop or disconnect already went through): unregister it again.
      forget();
      this.backend.stop(this.id, id);
      return;
    }
    record.acked = true;
    this.send(startAckFrame(id));
    for (const text of record.held.splice(0)) this.sendText(text);
  }

  private stop(id: string | undefined): void {
    if (id === undefined) {
      this.sendError(undefined, RealtimeErrorType.BadRequest, 'The stop message has no subscription id.');
      return;
    }
    const record = this.subscriptions.get(id);
    this.send(completeFrame(id));
    if (!record) return;
    this.subscriptions.delete(id);
    record.endedBy = 'client';
    // A start still in flight unregisters itself when the backend answers.
    if (record.acked) this.backend.stop(this.id, id);
  }

  private sinkFor(record: SubscriptionRecord): SubscriptionSink {
    return {
      next: (data) => {
        if (record.endedBy || this.isClosed) return;
        this.deliver(record, dataFrameText(record.id, data));
      },
      close: () => {
        if (record.endedBy || this.isClosed) return;
        record.endedBy = 'server';
        if (this.subscriptions.get(record.id) === record) this.subscriptions.delete(record.id);
        this.deliver(record, JSON.stringify(completeFrame(record.id)));
      },
    };
  }

  private deliver(record: SubscriptionRecord, text: string): void {
    if (record.acked) this.sendText(text);
    else record.held.push(text);
  }

  private sendError(id: string | undefined, errorType: RealtimeErrorType | string, message: string): void {
    this.send(errorFrame(id, [{ errorType, message }]));
  }

  private send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  private sendText(text: string): void {
    if (!this.isClosed) this.transport.send(text);
  }

  private closeTransport(code: CloseCode, reason: string): void {
    // A close frame's reason may hold at most 123 bytes.
    let shortened = reason;
    while (Buffer.byteLength(shortened, 'utf8') > 123) shortened = shortened.slice(0, -1);
    this.transport.close(code, shortened);
  }
}

/** Read through a function: the flag changes while `start` awaits the backend, which narrowing cannot see. */
function stoppedByClient(record: SubscriptionRecord): boolean {
  return record.endedBy === 'client';
}

function parseMessage(text: string): ParsedMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  return { type: parsed['type'], id: parsed['id'], payload: parsed['payload'] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A string `errorType` the backend put on its error, if any. */
function errorTypeOf(error: unknown): string | undefined {
  const errorType = isObject(error) ? error['errorType'] : undefined;
  return typeof errorType === 'string' ? errorType : undefined;
}
