/**
 * Plays API Gateway's part around the functions for the bridge tests: opens connections (`$connect` through the
 * real handler, then the @connections test double marks them open), selects the route of each client message by
 * `$request.body.action` as API Gateway does, and shows what each client received.
 */
import { chatWebSocketApi } from '../../../lambdas/app.js';
import type { FakeConnectionsEndpoint } from './connections-endpoint.js';
import { connectEvent, messageEvent, newConnectionId } from './events.js';
import type { FunctionRunner } from './functions.js';

export interface TestConnection {
  readonly connectionId: string;
  readonly userId: string;
}

export interface TestGateway {
  /** Opens a connection for the user; `connectedAt` in the past makes an old (expired) connection. */
  connect(userId: string, options?: { connectedAt?: number }): Promise<TestConnection>;
  /** Sends one client frame; resolves with the frames the connection received while it was handled. */
  send(connection: TestConnection, body: string): Promise<Record<string, unknown>[]>;
}

/** The route API Gateway selects for a frame: the `action` if it names a custom route, else `$default`. */
export function selectRoute(body: string): string {
  let action: unknown;
  try {
    action = (JSON.parse(body) as { action?: unknown } | null)?.action;
  } catch {
    return '$default';
  }
  const custom = chatWebSocketApi.routes.find((route) => !route.routeKey.startsWith('$') && route.routeKey === action);
  return custom?.routeKey ?? '$default';
}

function functionOfRoute(routeKey: string): string {
  const route = chatWebSocketApi.routes.find((candidate) => candidate.routeKey === routeKey);
  if (route === undefined) throw new Error(`The WebSocket API has no ${routeKey} route`);
  return route.function;
}

export function testGateway(functions: FunctionRunner, endpoint: FakeConnectionsEndpoint): TestGateway {
  return {
    async connect(userId, options = {}) {
      const connectionId = newConnectionId();
      const connectedAt = options.connectedAt ?? Date.now();
      const result = (await functions.invoke(functionOfRoute('$connect'), connectEvent({ connectionId, userId, connectedAt }))) as {
        statusCode: number;
      };
      if (result.statusCode !== 200) throw new Error(`$connect answered ${result.statusCode}`);
      endpoint.open(connectionId);
      return { connectionId, userId };
    },
    async send(connection, body) {
      const before = endpoint.frames(connection.connectionId).length;
      const routeKey = selectRoute(body);
      await functions.invoke(functionOfRoute(routeKey), messageEvent({ ...connection, routeKey, body }));
      return endpoint.frames(connection.connectionId).slice(before) as Record<string, unknown>[];
    },
  };
}
