/** The `ws` adapter: accepts AppSync real-time upgrades and runs a `RealtimeConnection` per socket. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode, RealtimeConnection, type ConnectionSettings, type Handshake } from './connection.js';
import { HandshakeAuthorizationError, RealtimeOptionsError } from './errors.js';
import {
  offeredSubprotocols,
  readHandshakeAuthorization,
  requestPath,
  subprotocolProblem,
} from './handshake.js';
import { GRAPHQL_WS_SUBPROTOCOL, REALTIME_PATH_SUFFIX } from './protocol.js';
import type { RealtimeBackend } from './types.js';
import type { LocalLogger } from '../../logging/logger.js';
import { withRealtimeLogging } from '../../logging/realtime.js';

export interface RealtimeOptions {
  /** Path of the GraphQL endpoint, e.g. `/graphql`; upgrades to `<graphqlPath>/realtime` and `<graphqlPath>` are ours. */
  readonly graphqlPath: string;
  readonly backend: RealtimeBackend;
  /** How often `ka` is sent. Stay below 65 s: Amplify flags a connection as stale after that. @default 60000 */
  readonly keepAliveIntervalMs?: number;
  /** Advertised in `connection_ack`; Amplify drops a connection that has been silent this long. @default 300000 */
  readonly connectionTimeoutMs?: number;
  /** The server closes every connection after this long, as AppSync does after 24 hours. @default 86400000 */
  readonly maxConnectionDurationMs?: number;
  /**
   * Subscriptions one connection may hold; further `start`s get `MaxSubscriptionsReachedError`. @default 100, AppSync's
   * "Subscriptions per connection" quota
   */
  readonly maxSubscriptionsPerConnection?: number;
  /** Connect, start, stop and disconnect at info, each delivered event at debug. @default silent */
  readonly logger?: LocalLogger;
}

export interface RealtimeServer {
  /**
   * Takes over an upgrade request for the real-time paths and returns true; returns false (and leaves the socket
   * alone) for any other path.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every connection (code 1001) and tells the backend each one is gone. */
  close(): void;
  /** Open real-time connections. */
  connectionCount(): number;
}

const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 60_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;
const DEFAULT_MAX_CONNECTION_DURATION_MS = 24 * 60 * 60 * 1000;
/** AppSync's default (adjustable) quota of subscriptions per real-time connection. */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;

/**
 * Serves the AppSync real-time WebSocket protocol as aws-amplify v6 speaks it, on top of an HTTP(S) server's
 * `upgrade` event.
 *
 * @throws RealtimeOptionsError when `graphqlPath` does not start with `/`, a duration is not positive or the
 *   subscription quota is not a positive whole number.
 * @example
 * ```ts
 * const realtime = attachRealtime({ graphqlPath: '/graphql', backend: engine.realtimeBackend });
 * const listener = await listenHttpAndHttps({
 *   host: '127.0.0.1', port: 4000, tls: certs, onRequest: handleGraphqlHttp,
 *   onUpgrade: (req, socket, head) => { if (!realtime.handleUpgrade(req, socket, head)) socket.destroy(); },
 * });
 * ```
 */
export function attachRealtime(options: RealtimeOptions): RealtimeServer {
  const settings = resolveSettings(options);
  const writes = new CoalescedWrites();
  const ownPaths = new Set([settings.graphqlPath, settings.graphqlPath + REALTIME_PATH_SUFFIX]);
  const webSocketServer = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    // Select graphql-ws whenever offered (never echo the header- protocol); refusals are reported in-band below.
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_WS_SUBPROTOCOL) ? GRAPHQL_WS_SUBPROTOCOL : false),
  });
  const connections = new Map<WebSocket, RealtimeConnection>();

  return {
    handleUpgrade(req, socket, head) {
      if (!ownPaths.has(requestPath(req.url))) return false;
      const handshake = readHandshake(req);
      webSocketServer.handleUpgrade(req, socket, head, (webSocket) => {
        const connectionId = randomUUID();
        const backend = options.logger
          ? withRealtimeLogging(options.backend, options.logger, connectionId)
          : options.backend;
        const connection = new RealtimeConnection(connectionId, backend, settings, {
          send: (text) => {
            writes.hold(socket);
            webSocket.send(text);
          },
          close: (code, reason) => webSocket.close(code, reason),
        });
        connections.set(webSocket, connection);
        webSocket.on('message', (data) => connection.receive(rawDataToText(data)));
        webSocket.on('close', () => {
          connections.delete(webSocket);
          connection.closed();
        });
        // A socket error is followed by 'close'; the listener keeps it from being thrown as unhandled.
        webSocket.on('error', () => webSocket.terminate());
        connection.open(handshake);
      });
      return true;
    },
    close() {
      for (const [webSocket, connection] of connections) {
        connection.closed();
        webSocket.close(CloseCode.GoingAway, 'Server shutting down');
      }
      connections.clear();
      webSocketServer.close();
    },
    connectionCount() {
      return connections.size;
    },
  };
}

/**
 * Frames sent to one socket in the same turn of the event loop leave in one write. Each frame would otherwise be its
 * own `writev` system call, the largest cost of a fan-out; when the server is busy, several messages are published
 * in one turn (their mutations answered together) and their frames to a subscriber share a call. Sockets are corked
 * at their first frame of the turn and uncorked together once the turn's I/O callbacks have run (`setImmediate`),
 * so a frame waits at most for the rest of the turn.
 */
class CoalescedWrites {
  private readonly corked = new Set<Duplex>();

  hold(socket: Duplex): void {
    if (this.corked.has(socket)) return;
    if (this.corked.size === 0) setImmediate(() => this.release());
    this.corked.add(socket);
    socket.cork();
  }

  private release(): void {
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  }
}

function resolveSettings(options: RealtimeOptions): ConnectionSettings {
  if (!options.graphqlPath.startsWith('/')) {
    throw new RealtimeOptionsError(`graphqlPath must start with "/", got "${options.graphqlPath}".`);
  }
  const settings: ConnectionSettings = {
    graphqlPath: options.graphqlPath,
    keepAliveIntervalMs: options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS,
    connectionTimeoutMs: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    maxConnectionDurationMs: options.maxConnectionDurationMs ?? DEFAULT_MAX_CONNECTION_DURATION_MS,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION,
  };
  for (const name of ['keepAliveIntervalMs', 'connectionTimeoutMs', 'maxConnectionDurationMs'] as const) {
    if (!(settings[name] > 0)) throw new RealtimeOptionsError(`${name} must be a positive number of milliseconds.`);
  }
  if (!Number.isInteger(settings.maxSubscriptionsPerConnection) || settings.maxSubscriptionsPerConnection < 1) {
    throw new RealtimeOptionsError('maxSubscriptionsPerConnection must be a positive whole number.');
  }
  return settings;
}

function readHandshake(req: IncomingMessage): Handshake {
  const offered = offeredSubprotocols(req.headers);
  const refusal = subprotocolProblem(offered);
  if (refusal) return { kind: 'subprotocol-refused', message: refusal };
  try {
    return {
      kind: 'authorization',
      authorization: readHandshakeAuthorization(req.url, req.headers, offered),
      sourceIp: normaliseAddress(req.socket.remoteAddress),
    };
  } catch (error) {
    if (error instanceof HandshakeAuthorizationError) return { kind: 'malformed-authorization', message: error.message };
    throw error;
  }
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) → `127.0.0.1`. */
function normaliseAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
