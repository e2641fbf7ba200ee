/**
 * One open WebSocket connection: API Gateway's limits on what the client sends (32 KB frames, 128 KB messages, text
 * only), the idle and maximum-duration timeouts, sending `@connections` data, and the close code and reason that the
 * `$disconnect` event reports.
 */
import { isUtf8 } from 'node:buffer';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { ConnectionFacts } from './events.js';
import { FrameHeaderReader, OPCODE_BINARY, OPCODE_CONTINUATION, OPCODE_TEXT, type FrameHeader } from './frames.js';

/** API Gateway's frame size quota; larger frames close the connection with 1009. */
export const MAX_FRAME_BYTES = 32 * 1024;
/** API Gateway's message payload quota (also the `@connections` POST limit); larger messages close it with 1009. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
/**
 * Data queued for a client that does not read, beyond which `@connections` POST answers 429 ("the WebSocket client
 * side buffer is full"). AWS does not publish its threshold; this one is ours.
 */
export const MAX_CLIENT_BUFFER_BYTES = 1024 * 1024;
/** How long a closing handshake may take before the socket is dropped. */
const CLOSE_GRACE_MS = 1000;

/** The code and reason a `$disconnect` event reports. */
export interface DisconnectStatus {
  readonly statusCode: number;
  readonly reason: string;
}

/** Why the gateway ends a connection, with the close frame it sends and what `$disconnect` reports. */
export interface ServerClose {
  /** The close frame's code and reason; none means a close frame without a status (the client sees 1005). */
  readonly frame?: { readonly code: number; readonly reason: string };
  readonly reported: DisconnectStatus;
}

/**
 * The closes the gateway initiates. DeleteConnection reports 1000 "Connection Closed Normally" (seen in AWS logs) and
 * sends a close frame without a code (API Gateway cannot send one, per users). The codes and reasons for timeouts,
 * limits and shutdown are not published: they follow RFC 6455's names, 1001 "Going away" as serverless-offline uses.
 */
export const SERVER_CLOSES = {
  deleteConnection: { reported: { statusCode: 1000, reason: 'Connection Closed Normally' } },
  idleTimeout: goingAway(),
  maxDuration: goingAway(),
  gatewayShutdown: goingAway(),
  tooBig: closeWith(1009, 'Message too big'),
  binaryFrame: closeWith(1003, 'Unsupported data'),
} satisfies Record<string, ServerClose>;

function closeWith(code: number, reason: string): ServerClose {
  return { frame: { code, reason }, reported: { statusCode: code, reason } };
}

function goingAway(): ServerClose {
  return closeWith(1001, 'Going away');
}

/** Close codes `ws` sends on its own when the client breaks the protocol, by `ws` error code (others: 1002). */
const WS_ERROR_CLOSE_CODES: Readonly<Record<string, number>> = {
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008,
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
};

export interface ConnectionTimeouts {
  readonly idleTimeoutMs: number;
  readonly maxConnectionDurationMs: number;
}

export interface ConnectionEvents {
  /** A complete text message from the client, received at `receivedAt` (epoch ms). */
  readonly onMessage: (connection: GatewayConnection, body: string, receivedAt: number) => void;
  /** The socket is closed; called once. */
  readonly onClosed: (connection: GatewayConnection, status: DisconnectStatus) => void;
}

/** Outcome of sending `@connections` data. */
export type SendOutcome = 'sent' | 'gone' | 'client-buffer-full';

export class GatewayConnection {
  /** Epoch ms of the last message from the client (the connection's start until then). */
  lastActiveAt: number;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private reported: DisconnectStatus | undefined;
  private readonly frameReader: FrameHeaderReader;
  private readonly inspectFrames = (chunk: Buffer) => this.frameReader.read(chunk);
  /** Length of the client's message being received, by frame headers. */
  private incomingMessageBytes = 0;
  /** Messages whose last frame header arrived while open, and messages `ws` has delivered. */
  private messagesAnnounced = 0;
  private messagesDelivered = 0;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly maxDurationTimer: NodeJS.Timeout;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly facts: ConnectionFacts,
    /** `requestContext.authorizer` for every event of the connection, when an authorizer ran. */
    readonly authorizer: Readonly<Record<string, unknown>> | undefined,
    private readonly webSocket: WebSocket,
    socket: Duplex,
    timeouts: ConnectionTimeouts,
    private readonly events: ConnectionEvents,
  ) {
    this.lastActiveAt = facts.connectedAt;
    this.frameReader = new FrameHeaderReader((frame) => this.checkFrame(frame));
    // Ahead of ws's own listener, so a frame over the limit is refused before ws assembles it.
    socket.prependListener('data', this.inspectFrames);
    this.idleTimer = setTimeout(() => this.close(SERVER_CLOSES.idleTimeout), timeouts.idleTimeoutMs).unref();
    this.maxDurationTimer = setTimeout(
      () => this.close(SERVER_CLOSES.maxDuration),
      timeouts.maxConnectionDurationMs,
    ).unref();
    webSocket.on('message', (data: Buffer, isBinary) => this.receive(data, isBinary));
    webSocket.on('error', (error: Error & { code?: string }) => {
      const code = WS_ERROR_CLOSE_CODES[error.code ?? ''] ?? 1002;
      // ws has already sent the close frame; only record what $disconnect reports.
      this.markClosing({ statusCode: code, reason: '' });
    });
    webSocket.on('close', (code: number, reason: Buffer) => {
      socket.removeListener('data', this.inspectFrames);
      this.state = 'closed';
      clearTimeout(this.idleTimer);
      clearTimeout(this.maxDurationTimer);
      clearTimeout(this.graceTimer);
      this.events.onClosed(this, this.reported ?? reportClientClose(code, reason));
    });
  }

  get connectionId(): string {
    return this.facts.connectionId;
  }

  /** Whether `@connections` may still reach the client. */
  isOpen(): boolean {
    return this.state === 'open' && this.webSocket.readyState === WebSocket.OPEN;
  }

  /** Sends `@connections` data: text frames when it is UTF-8, binary otherwise, split into frames of at most 32 KB. */
  send(data: Buffer): SendOutcome {
    if (!this.isOpen()) return 'gone';
    if (this.webSocket.bufferedAmount > MAX_CLIENT_BUFFER_BYTES) return 'client-buffer-full';
    const binary = !isUtf8(data);
    if (data.length === 0) this.webSocket.send(data, { binary });
    for (let offset = 0; offset < data.length; offset += MAX_FRAME_BYTES) {
      const end = Math.min(offset + MAX_FRAME_BYTES, data.length);
      this.webSocket.send(data.subarray(offset, end), { binary, fin: end === data.length });
    }
    this.idleTimer.refresh();
    return 'sent';
  }

  /** Sends one of API Gateway's own text frames (error replies) while the connection is open. */
  sendGatewayMessage(text: string): void {
    if (!this.isOpen()) return;
    this.webSocket.send(text);
    this.idleTimer.refresh();
  }

  /** Ends the connection from the gateway's side: the client gets `close.frame`, `$disconnect` `close.reported`. */
  close(close: ServerClose): void {
    if (!this.markClosing(close.reported)) return;
    if (close.frame === undefined) this.webSocket.close();
    else this.webSocket.close(close.frame.code, close.frame.reason);
  }

  private markClosing(reported: DisconnectStatus): boolean {
    if (this.state !== 'open') return false;
    this.state = 'closing';
    this.reported = reported;
    clearTimeout(this.idleTimer);
    clearTimeout(this.maxDurationTimer);
    this.graceTimer = setTimeout(() => this.webSocket.terminate(), CLOSE_GRACE_MS).unref();
    return true;
  }

  private checkFrame(frame: FrameHeader): void {
    if (this.state !== 'open' || frame.opcode > OPCODE_BINARY) return;
    if (frame.opcode === OPCODE_BINARY) {
      this.close(SERVER_CLOSES.binaryFrame);
      return;
    }
    if (frame.opcode === OPCODE_TEXT) this.incomingMessageBytes = 0;
    this.incomingMessageBytes += frame.payloadLength;
    if (frame.payloadLength > MAX_FRAME_BYTES || this.incomingMessageBytes > MAX_MESSAGE_BYTES) {
      this.close(SERVER_CLOSES.tooBig);
      return;
    }
    if (frame.fin && (frame.opcode === OPCODE_TEXT || frame.opcode === OPCODE_CONTINUATION))
      this.messagesAnnounced += 1;
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.messagesDelivered += 1;
    // After a close, only messages that were complete before it still count (ws may deliver them afterwards).
    if (this.state !== 'open' && this.messagesDelivered > this.messagesAnnounced) return;
    if (isBinary) {
      this.close(SERVER_CLOSES.binaryFrame);
      return;
    }
    this.lastActiveAt = Date.now();
    this.idleTimer.refresh();
    this.events.onMessage(this, data.toString('utf8'), this.lastActiveAt);
  }
}

/** What `$disconnect` reports for a close the client started (or a dropped socket, 1006). */
function reportClientClose(code: number, reason: Buffer): DisconnectStatus {
  if (code === 1005) return { statusCode: 1005, reason: 'Client-side close frame status not set' };
  return { statusCode: code, reason: reason.toString('utf8') };
}
