/**
 * The local API Gateway WebSocket API: one HTTP server that upgrades WebSocket handshakes at `/{stage}`, routes
 * messages to Lambda integrations, fires `$disconnect`, and serves the `@connections` management API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { negotiateHandshake, type HandshakeContext } from './connect.js';
import {
  GatewayConnection,
  MAX_MESSAGE_BYTES,
  SERVER_CLOSES,
  type ConnectionTimeouts,
  type DisconnectStatus,
} from './connection.js';
import { ConnectionsThrottle, type ConnectionsThrottleOptions } from './connections-throttle.js';
import {
  CONNECT_ROUTE,
  DEFAULT_ROUTE,
  DISCONNECT_ROUTE,
  resolveDefinition,
  type ResolvedWebSocketApi,
} from './definition.js';
import type { WebSocketApiDefinition } from './description.js';
import { PortInUseError, WebSocketGatewayOptionsError } from './errors.js';
import { disconnectEvent, messageEvent, readHandshakeHeaders, type ApiFacts, type ConnectionFacts } from './events.js';
import { answerJson, answerUpgradeRequest } from './http-answers.js';
import { newApiId, newGatewayId } from './ids.js';
import { callIntegration, type InvokeFunction } from './integration.js';
import { handleManagementRequest } from './management.js';
import { silentLogger, type LocalLogger } from '../logging/logger.js';

export interface WebSocketGatewayOptions {
  readonly definition: WebSocketApiDefinition;
  /** Invokes the named function with an API Gateway event; resolves with its result or rejects with its error. */
  readonly invoke: InvokeFunction;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port; a taken port fails with {@link PortInUseError}. @default 0 */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 10 generated lowercase alphanumerics */
  readonly apiId?: string;
  /** A connection with no message in either direction for this long is closed (1001). @default 600000 (AWS's 10 min) */
  readonly idleTimeoutMs?: number;
  /** Every connection is closed (1001) after this long. @default 7200000 (AWS's 2 h) */
  readonly maxConnectionDurationMs?: number;
  /**
   * How long API Gateway waits for an integration (authorizer, `$connect`, message routes) before giving up with
   * "Endpoint request timed out". @default 29000 (AWS's 29 s)
   */
  readonly integrationTimeoutMs?: number;
  /**
   * Throttles `@connections` calls with a token bucket, answering 429 LimitExceededException beyond it, as the
   * account-level API Gateway throttle does on AWS (10,000 requests/s, burst 5,000, shared by every API of the
   * account). @default no throttle
   */
  readonly connectionsThrottle?: ConnectionsThrottleOptions;
  /** Connect, route, disconnect and `@connections` calls, one info line each. @default silent */
  readonly logger?: LocalLogger;
}

export interface WebSocketGateway {
  /** `ws://HOST:PORT/{stage}` — where clients connect. */
  readonly url: string;
  /** `http://HOST:PORT/{stage}` — the `endpoint` for `ApiGatewayManagementApiClient`. */
  readonly managementUrl: string;
  readonly port: number;
  readonly apiId: string;
  /** Connections that are open or closing (their `$disconnect` not yet fired). */
  connectionCount(): number;
  /** Closes every socket (1001, firing `$disconnect`), stops listening, and waits for running integrations. */
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_MAX_CONNECTION_DURATION_MS = 2 * 60 * 60 * 1000;
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;
/** The longest delay Node timers accept. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Starts a local API Gateway WebSocket API for `definition`, calling Lambda functions through `invoke`.
 *
 * @throws {@link WebSocketApiDefinitionError} when API Gateway would reject the definition
 * @throws {@link WebSocketGatewayOptionsError} for an out-of-range option
 * @throws {@link PortInUseError} when `port` is taken
 * @example
 * ```ts
 * const gateway = await startWebSocketGateway({
 *   definition: {
 *     name: 'chat',
 *     stageName: 'prod',
 *     routes: [
 *       { routeKey: '$connect', function: 'onConnect' },
 *       { routeKey: 'sendmessage', function: 'sendMessage' },
 *     ],
 *   },
 *   invoke: (functionName, event) => invokeLambda(handlers[functionName], event, { functionName }),
 * });
 * const socket = new WebSocket(gateway.url);
 * const management = new ApiGatewayManagementApiClient({ endpoint: gateway.managementUrl, region: 'us-east-1' });
 * // …
 * await gateway.close();
 * ```
 */
export async function startWebSocketGateway(options: WebSocketGatewayOptions): Promise<WebSocketGateway> {
  const api = resolveDefinition(options.definition);
  const host = options.host ?? DEFAULT_HOST;
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new WebSocketGatewayOptionsError(`port ${requestedPort} is not a TCP port number`);
  }
  const timeouts = {
    idleTimeoutMs: checkDuration('idleTimeoutMs', options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS),
    maxConnectionDurationMs: checkDuration(
      'maxConnectionDurationMs',
      options.maxConnectionDurationMs ?? DEFAULT_MAX_CONNECTION_DURATION_MS,
    ),
  };
  const integrationTimeoutMs = checkDuration(
    'integrationTimeoutMs',
    options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS,
  );
  const throttle =
    options.connectionsThrottle === undefined ? undefined : new ConnectionsThrottle(options.connectionsThrottle);
  const apiId = options.apiId ?? newApiId();
  if (!/^[a-z0-9]+$/.test(apiId))
    throw new WebSocketGatewayOptionsError(`apiId ${JSON.stringify(apiId)} must be lowercase alphanumerics`);

  const server = createServer();
  const port = await listen(server, host, requestedPort);
  const urlHost = urlHostOf(host);
  const facts: ApiFacts = {
    apiId,
    stage: api.stageName,
    domainName: `${urlHost}:${port}`,
    region: options.region ?? DEFAULT_REGION,
  };
  const gateway = new RunningGateway(
    server,
    port,
    timeouts,
    { api, facts, invoke: options.invoke, integrationTimeoutMs },
    options.logger ?? silentLogger,
    throttle,
  );
  return {
    url: `ws://${urlHost}:${port}/${api.stageName}`,
    managementUrl: `http://${urlHost}:${port}/${api.stageName}`,
    port,
    apiId,
    connectionCount: () => gateway.connectionCount(),
    close: () => gateway.close(),
  };
}

function checkDuration(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new WebSocketGatewayOptionsError(`${name} must be between 1 and ${MAX_TIMER_MS} ms, not ${value}`);
  }
  return value;
}

/** The host clients use: a wildcard address is reached through loopback; IPv6 literals need brackets. */
function urlHostOf(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return DEFAULT_HOST;
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The path of a request target, without query or fragment. */
function pathOf(url: string | undefined): string {
  return (url ?? '').split(/[?#]/, 1)[0] ?? '';
}

function queryOf(url: string | undefined): URLSearchParams {
  const query = (url ?? '').split('#', 1)[0]?.split('?').slice(1).join('?') ?? '';
  return new URLSearchParams(query);
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, as API Gateway reports IPv4 callers. */
function sourceIpOf(socket: Duplex & { remoteAddress?: string }): string {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** A handshake the authorizer and `$connect` accepted, waiting for `ws` to finish the upgrade. */
interface AcceptedHandshake {
  readonly facts: ConnectionFacts;
  readonly authorizer: Readonly<Record<string, unknown>> | undefined;
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  opened: boolean;
}

/**
 * The text API Gateway sends on the socket when it cannot deliver a message, spaced exactly as AWS spaces it:
 * `{"message": "Forbidden", "connectionId":"…", "requestId":"…"}`.
 */
function gatewayErrorMessage(message: string, connectionId: string, requestId: string): string {
  const [text, id, request] = [message, connectionId, requestId].map((value) => JSON.stringify(value));
  return `{"message": ${text}, "connectionId":${id}, "requestId":${request}}`;
}

class RunningGateway {
  private readonly api: ResolvedWebSocketApi;
  private readonly connections = new Map<string, GatewayConnection>();
  /** Upgrade sockets whose authorizer/`$connect` is running. */
  private readonly pendingSockets = new Set<Duplex>();
  private readonly acceptedHandshakes = new WeakMap<IncomingMessage, AcceptedHandshake>();
  /** Integration calls and handshakes under way; `close()` waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly webSocketServer: WebSocketServer;
  private closing: Promise<void> | undefined;
  private notifyAllClosed: (() => void) | undefined;

  constructor(
    private readonly server: Server,
    private readonly port: number,
    private readonly timeouts: ConnectionTimeouts,
    private readonly handshake: HandshakeContext,
    private readonly logger: LocalLogger,
    private readonly throttle: ConnectionsThrottle | undefined,
  ) {
    this.api = handshake.api;
    this.webSocketServer = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      // API Gateway does not negotiate compression, so frame limits apply to what is on the wire.
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE_BYTES,
      // Runs after ws has validated the handshake, so malformed upgrades never reach the authorizer.
      verifyClient: (info: { req: IncomingMessage }, accept: (verified: boolean) => void) =>
        this.verify(info.req, accept),
      // API Gateway never picks a subprotocol itself: only a $connect integration's header answers one.
      handleProtocols: () => false,
    });
    this.webSocketServer.on('headers', (headers: string[], request: IncomingMessage) => {
      for (const [name, value] of this.acceptedHandshakes.get(request)?.responseHeaders ?? []) {
        headers.push(`${name}: ${value}`);
      }
    });
    server.on('request', (request, response) => this.answerHttp(request, response));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
    // Listener-level errors after startup (e.g. EMFILE) must not crash the process.
    server.on('error', () => {});
  }

  connectionCount(): number {
    return this.connections.size;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    for (const socket of this.pendingSockets) socket.destroy();
    const allClosed = new Promise<void>((resolve) => {
      if (this.connections.size === 0) resolve();
      else this.notifyAllClosed = resolve;
    });
    for (const connection of this.connections.values()) connection.close(SERVER_CLOSES.gatewayShutdown);
    await allClosed;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await stopped;
    // $disconnect calls start while earlier work settles, so wait until nothing is left.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => {}).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  private isStagePath(path: string): boolean {
    return path === `/${this.api.stageName}` || path === `/${this.api.stageName}/`;
  }

  private answerHttp(request: IncomingMessage, response: ServerResponse): void {
    const path = pathOf(request.url);
    const target = {
      stageName: this.api.stageName,
      findOpen: (id: string) => this.findOpen(id),
      throttle: this.throttle,
    };
    if (handleManagementRequest(request, response, path, target)) {
      const startedAt = performance.now();
      response.once('finish', () => {
        const durationMs = Math.round(performance.now() - startedAt);
        this.logger.info(
          { method: request.method, path, status: response.statusCode, durationMs },
          `@connections ${request.method} ${path.split('/').pop() ?? ''} → ${response.statusCode} (${durationMs} ms)`,
        );
      });
      return;
    }
    request.resume();
    if (this.isStagePath(path)) {
      response.setHeader('Upgrade', 'websocket');
      answerJson(response, 426, { message: 'Upgrade Required' });
    } else {
      answerJson(response, 403, { message: 'Forbidden' }, 'ForbiddenException');
    }
  }

  private findOpen(connectionId: string): GatewayConnection | undefined {
    const connection = this.connections.get(connectionId);
    return connection?.isOpen() ? connection : undefined;
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.closing !== undefined) {
      answerUpgradeRequest(socket, 503, {}, JSON.stringify({ message: 'Service Unavailable' }));
      return;
    }
    if (!this.isStagePath(pathOf(request.url))) {
      answerUpgradeRequest(
        socket,
        403,
        { 'x-amzn-ErrorType': 'ForbiddenException' },
        JSON.stringify({ message: 'Forbidden' }),
      );
      return;
    }
    this.pendingSockets.add(socket);
    socket.once('close', () => this.pendingSockets.delete(socket));
    this.webSocketServer.handleUpgrade(request, socket, head, (webSocket) => this.open(webSocket, request, socket));
  }

  /** The authorizer and `$connect` decide while the upgrade request waits. */
  private verify(request: IncomingMessage, accept: (verified: boolean) => void): void {
    const socket = request.socket;
    const connectedAt = Date.now();
    const sourceIp = sourceIpOf(socket);
    const userAgent = request.headers['user-agent'];
    const facts: ConnectionFacts = { connectionId: newGatewayId(), connectedAt, sourceIp, userAgent };
    const handshakeRequest = {
      headers: readHandshakeHeaders(request.rawHeaders, sourceIp, this.port, connectedAt),
      query: queryOf(request.url),
    };
    this.track(
      negotiateHandshake(this.handshake, facts, handshakeRequest).then((outcome) => {
        if (!outcome.accepted) {
          const { status, headers, body } = outcome.refusal;
          const refused = `connect ${facts.connectionId} refused → ${status}`;
          this.logger.info({ connectionId: facts.connectionId, status }, refused);
          answerUpgradeRequest(socket, status, headers, body);
          return;
        }
        this.logger.info({ connectionId: facts.connectionId, sourceIp }, `connect ${facts.connectionId} (${sourceIp})`);
        const accepted: AcceptedHandshake = { facts, ...outcome, opened: false };
        if (this.closing === undefined) {
          this.acceptedHandshakes.set(request, accepted);
          // ws finishes the upgrade synchronously, calling open(), unless the client has gone meanwhile.
          accept(true);
          this.acceptedHandshakes.delete(request);
        }
        if (!accepted.opened) {
          socket.destroy();
          // $connect succeeded, so the app may have stored the id: report the connection gone.
          this.fireDisconnect(facts, accepted.authorizer, { statusCode: 1006, reason: '' });
        }
      }),
    );
  }

  private open(webSocket: WebSocket, request: IncomingMessage, socket: Duplex): void {
    const accepted = this.acceptedHandshakes.get(request);
    if (accepted === undefined) {
      webSocket.terminate();
      return;
    }
    accepted.opened = true;
    this.pendingSockets.delete(socket);
    const connection = new GatewayConnection(accepted.facts, accepted.authorizer, webSocket, socket, this.timeouts, {
      onMessage: (from, body, receivedAt) => this.route(from, body, receivedAt),
      onClosed: (from, status) => this.closed(from, status),
    });
    this.connections.set(connection.connectionId, connection);
  }

  private closed(connection: GatewayConnection, status: DisconnectStatus): void {
    this.connections.delete(connection.connectionId);
    this.logger.info(
      { connectionId: connection.connectionId, statusCode: status.statusCode },
      `disconnect ${connection.connectionId} (${status.statusCode})`,
    );
    this.fireDisconnect(connection.facts, connection.authorizer, status);
    if (this.connections.size === 0) this.notifyAllClosed?.();
  }

  /** `$disconnect` is best-effort: its result and errors are ignored. */
  private fireDisconnect(
    facts: ConnectionFacts,
    authorizer: Readonly<Record<string, unknown>> | undefined,
    status: DisconnectStatus,
  ): void {
    const functionName = this.api.routes.get(DISCONNECT_ROUTE);
    if (functionName === undefined) return;
    const event = disconnectEvent(this.handshake.facts, facts, authorizer, status, newGatewayId(), Date.now());
    this.track(callIntegration(this.handshake.invoke, functionName, event, this.handshake.integrationTimeoutMs));
  }

  /** The route key a message selects: an exact custom route, else `$default`, else none. */
  private selectRoute(body: string): string | undefined {
    const key = this.api.routeSelection.evaluate(body);
    if (key !== undefined && key !== CONNECT_ROUTE && key !== DISCONNECT_ROUTE && this.api.routes.has(key)) return key;
    return this.api.routes.has(DEFAULT_ROUTE) ? DEFAULT_ROUTE : undefined;
  }

  /**
   * Routes are one-way (a description cannot declare route responses), so a function's result never reaches the
   * client; a failure does, as API Gateway's error message.
   */
  private route(connection: GatewayConnection, body: string, receivedAt: number): void {
    const requestId = newGatewayId();
    const routeKey = this.selectRoute(body);
    if (routeKey === undefined) {
      this.logger.info({ connectionId: connection.connectionId }, `route ${connection.connectionId}: none → Forbidden`);
      connection.sendGatewayMessage(gatewayErrorMessage('Forbidden', connection.connectionId, requestId));
      return;
    }
    const startedAt = performance.now();
    const functionName = this.api.routes.get(routeKey) ?? '';
    const event = messageEvent(
      this.handshake.facts,
      connection.facts,
      connection.authorizer,
      { routeKey, body, requestId, messageId: newGatewayId() },
      receivedAt,
    );
    this.track(
      callIntegration(this.handshake.invoke, functionName, event, this.handshake.integrationTimeoutMs).then(
        (outcome) => {
          const durationMs = Math.round(performance.now() - startedAt);
          this.logger.info(
            { connectionId: connection.connectionId, routeKey, functionName, outcome: outcome.kind, durationMs },
            `route ${connection.connectionId} ${routeKey} → ${functionName}: ` +
              `${outcome.kind === 'result' ? 'ok' : outcome.kind} (${durationMs} ms)`,
          );
          if (outcome.kind === 'result') return;
          const message = outcome.kind === 'timeout' ? 'Endpoint request timed out' : 'Internal server error';
          connection.sendGatewayMessage(gatewayErrorMessage(message, connection.connectionId, requestId));
        },
      ),
    );
  }
}
