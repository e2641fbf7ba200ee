/**
 * Sends frames to raw-WebSocket connections through API Gateway's `@connections` API. A connection that answers
 * GoneException has closed: its item is deleted — that connection's, never the sender's (the AWS sample's v3 bug).
 */
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mapWithConcurrency } from './concurrency.js';
import { connectionStoreFromEnvironment, type ConnectionStore } from './connection-store.js';
import { ENVIRONMENT, SDK_ENVIRONMENT, perEnvironment, requireEnvironment } from './environment.js';
import { countMetric, logger, tracer } from './powertools.js';
import type { ServerFrame } from './protocol.js';

/**
 * How many PostToConnection calls a fan-out keeps in flight. A push is a round trip of milliseconds to tens of
 * milliseconds, mostly waiting, so throughput grows with the calls in flight; 50 is the SDK's default socket pool
 * (`maxSockets`), beyond which calls would only queue for a socket.
 */
export const PUSH_CONCURRENCY = 50;

/**
 * Attempts per `@connections` call. The SDK's standard retry counts 429 LimitExceededException (API Gateway's
 * account throttle, or a client whose buffer is full) as throttling, retried after a full-jitter backoff from 1 s,
 * doubling; 5xx and network errors from 50 ms. Its default of 3 attempts gives up on a throttle within ~3 s; five
 * ride out up to ~15 s, well inside the stream handler's timeout. A push that still fails fails its stream record,
 * which the event-source mapping retries (clients drop the repeated frames by message id and version).
 */
export const PUSH_MAX_ATTEMPTS = 5;

export type PushOutcome = 'delivered' | 'gone';

export interface FanOutReport {
  readonly delivered: number;
  /** Connections that had closed (their items are deleted). */
  readonly gone: readonly string[];
  /** Connections that could not be reached for another reason (throttling, 5xx, …). */
  readonly failures: readonly { readonly connectionId: string; readonly error: unknown }[];
}

/** What GetConnection says about a connection (dates as ISO 8601). */
export interface ConnectionInfo {
  readonly connectedAt: string | null;
  readonly lastActiveAt: string | null;
  readonly identity: { readonly sourceIp: string | null; readonly userAgent: string | null };
}

export class ConnectionPusher {
  constructor(
    private readonly management: ApiGatewayManagementApiClient,
    private readonly store: ConnectionStore,
  ) {}

  /** Sends one frame; a closed connection is removed and reported as `gone`. Other errors are thrown. */
  async push(connectionId: string, frame: ServerFrame): Promise<PushOutcome> {
    return this.post(connectionId, JSON.stringify(frame));
  }

  /**
   * Sends one frame to every connection, {@link PUSH_CONCURRENCY} at a time. Never throws for a single connection:
   * the report says which were delivered, gone (and removed) or failed.
   */
  async pushToAll(connectionIds: readonly string[], frame: ServerFrame): Promise<FanOutReport> {
    const data = JSON.stringify(frame);
    const outcomes = await mapWithConcurrency(connectionIds, PUSH_CONCURRENCY, async (connectionId) => {
      try {
        return { connectionId, outcome: await this.post(connectionId, data) };
      } catch (error) {
        logger.warn('Push failed', { connectionId, error: error as Error });
        return { connectionId, outcome: 'failed' as const, error };
      }
    });
    const report: FanOutReport = {
      delivered: outcomes.filter((o) => o.outcome === 'delivered').length,
      gone: outcomes.flatMap((o) => (o.outcome === 'gone' ? [o.connectionId] : [])),
      failures: outcomes.flatMap((o) => (o.outcome === 'failed' ? [{ connectionId: o.connectionId, error: o.error }] : [])),
    };
    countMetric('PushesDelivered', report.delivered);
    if (report.failures.length > 0) countMetric('PushesFailed', report.failures.length);
    logger.debug('Pushed', { type: frame.type, delivered: report.delivered, gone: report.gone.length, failed: report.failures.length });
    return report;
  }

  /**
   * GetConnection: when and from where the connection was opened, and when it was last active; undefined (and the
   * item removed) when it has closed.
   */
  async connectionInfo(connectionId: string): Promise<ConnectionInfo | undefined> {
    const answer = await this.unlessGone(connectionId, () =>
      this.management.send(new GetConnectionCommand({ ConnectionId: connectionId })),
    );
    if (answer === undefined) return undefined;
    return {
      connectedAt: answer.ConnectedAt?.toISOString() ?? null,
      lastActiveAt: answer.LastActiveAt?.toISOString() ?? null,
      identity: { sourceIp: answer.Identity?.SourceIp ?? null, userAgent: answer.Identity?.UserAgent ?? null },
    };
  }

  private async post(connectionId: string, data: string): Promise<PushOutcome> {
    const sent = await this.unlessGone(connectionId, () =>
      this.management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data })),
    );
    return sent === undefined ? 'gone' : 'delivered';
  }

  /** Runs a call on the connection; when it answers GoneException, deletes the connection's item → undefined. */
  private async unlessGone<T>(connectionId: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      // SDK v3 errors have no statusCode: the modeled class is how a 410 shows.
      if (!(error instanceof GoneException)) throw error;
      await this.store.remove(connectionId);
      countMetric('StaleConnectionsRemoved');
      logger.info('Removed a connection that has gone away', { connectionId });
      return undefined;
    }
  }
}

/** A pusher on WEBSOCKET_MANAGEMENT_URL (the `@connections` base URL of the API's stage). */
export const pusherFromEnvironment: () => ConnectionPusher = perEnvironment(
  [ENVIRONMENT.managementUrl, ENVIRONMENT.chatTable, ...SDK_ENVIRONMENT],
  () =>
    new ConnectionPusher(
      tracer.captureAWSv3Client(
        new ApiGatewayManagementApiClient({
          endpoint: requireEnvironment(ENVIRONMENT.managementUrl),
          maxAttempts: PUSH_MAX_ATTEMPTS,
        }),
      ),
      connectionStoreFromEnvironment(),
    ),
);
