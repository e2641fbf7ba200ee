/**
 * TEST DOUBLE of API Gateway's `@connections` management API, standing in until local/apigateway-websocket provides
 * the local gateway. It answers the AWS SDK as AWS does (shared reference apigw-websocket.md §4): POST → 200 empty,
 * GET → 200 with `{connectedAt, identity, lastActiveAt}`, DELETE → 204, and for an unknown or closed connection
 * 410 with `x-amzn-ErrorType: GoneException` (so the SDK throws GoneException). It keeps what was posted to each
 * connection — what that client would have received.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface FakeConnectionsEndpoint {
  /** `http://127.0.0.1:<port>/<stage>`: what WEBSOCKET_MANAGEMENT_URL names. */
  readonly managementUrl: string;
  /** Marks a connection open, as the gateway does once `$connect` succeeded. */
  open(connectionId: string, identity?: { sourceIp?: string; userAgent?: string }): void;
  /** The client went away: later calls answer 410 GoneException. */
  close(connectionId: string): void;
  /** Makes every later call for the connection fail with this status and modeled error type. */
  failWith(connectionId: string, status: number, errorType: string): void;
  /** The frames posted to the connection, parsed as JSON, oldest first. */
  frames(connectionId: string): unknown[];
  /** Forgets the frames posted so far (to all connections). */
  clearFrames(): void;
  stop(): Promise<void>;
}

interface OpenConnection {
  readonly connectedAt: Date;
  lastActiveAt: Date;
  readonly identity: { sourceIp: string; userAgent: string | null };
}

export async function startFakeConnectionsEndpoint(stage = 'prod'): Promise<FakeConnectionsEndpoint> {
  const open = new Map<string, OpenConnection>();
  const failures = new Map<string, { status: number; errorType: string }>();
  const frames = new Map<string, string[]>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const match = /^\/([^/]+)\/(?:@|%40)connections\/([^/?]+)$/.exec(request.url ?? '');
    if (match === null || match[1] !== stage) {
      response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Forbidden' }));
      return;
    }
    const connectionId = decodeURIComponent(match[2] as string);
    const failure = failures.get(connectionId);
    if (failure !== undefined) {
      response
        .writeHead(failure.status, { 'content-type': 'application/json', 'x-amzn-ErrorType': failure.errorType })
        .end(JSON.stringify({ message: `${failure.errorType} (test double)` }));
      return;
    }
    const connection = open.get(connectionId);
    if (connection === undefined) {
      response.writeHead(410, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'GoneException' }).end('{"message":null}');
      return;
    }
    switch (request.method) {
      case 'POST':
        frames.set(connectionId, [...(frames.get(connectionId) ?? []), Buffer.concat(chunks).toString('utf8')]);
        connection.lastActiveAt = new Date();
        response.writeHead(200).end();
        return;
      case 'GET':
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            connectedAt: connection.connectedAt.toISOString(),
            identity: connection.identity,
            lastActiveAt: connection.lastActiveAt.toISOString(),
          }),
        );
        return;
      case 'DELETE':
        open.delete(connectionId);
        response.writeHead(204).end();
        return;
      default:
        response.writeHead(404).end();
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The test @connections endpoint has no port');

  return {
    managementUrl: `http://127.0.0.1:${address.port}/${stage}`,
    open(connectionId, identity = {}) {
      const now = new Date();
      open.set(connectionId, {
        connectedAt: now,
        lastActiveAt: now,
        identity: { sourceIp: identity.sourceIp ?? '192.0.2.1', userAgent: identity.userAgent ?? null },
      });
    },
    close(connectionId) {
      open.delete(connectionId);
    },
    failWith(connectionId, status, errorType) {
      failures.set(connectionId, { status, errorType });
    },
    frames(connectionId) {
      return (frames.get(connectionId) ?? []).map((text) => JSON.parse(text) as unknown);
    },
    clearFrames() {
      frames.clear();
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
