/** Log lines for the AppSync real-time endpoint: connect, start, stop, disconnect and, at debug, each delivery. */
import type { RealtimeBackend, SubscriptionSink, SubscriptionStartRequest } from '../appsync/realtime/types.js';
import { describeCaller, summariseQuery } from './graphql.js';
import type { LocalLogger } from './logger.js';

/**
 * Wraps one connection's backend so that what it is asked, and what it answers, is logged. The wrapper changes
 * nothing else: every call and result passes through unchanged.
 */
export function withRealtimeLogging(
  backend: RealtimeBackend,
  logger: LocalLogger,
  connectionId: string,
): RealtimeBackend {
  const connection = connectionId.slice(0, 8);
  return {
    async authenticate(request) {
      const isConnect = request.path.endsWith('/connect');
      try {
        const auth = await backend.authenticate(request);
        const principal = describeCaller(auth);
        if (isConnect) logger.info({ connectionId, principal }, `connect ${connection} by ${principal}`);
        return auth;
      } catch (error) {
        if (isConnect) logger.info({ connectionId, err: error }, `connect ${connection} refused`);
        throw error;
      }
    },
    async start(request) {
      const { type, name } = summariseQuery(queryOf(request));
      const fields = { connectionId, subscriptionId: request.subscriptionId };
      const subscription = `${connection}/${request.subscriptionId.slice(0, 8)}`;
      const sink = logger.isLevelEnabled('debug')
        ? loggedSink(request.sink, (event) => logger.debug(fields, `${event} → ${subscription} ${name}`))
        : request.sink;
      const result = await backend.start({ ...request, sink });
      const started = `start ${subscription} ${type} ${name} by ${describeCaller(request.auth)}`;
      if (result.ok) logger.info(fields, started);
      else logger.info(fields, `${started} refused: ${String(result.errors[0]?.['message'] ?? '')}`);
      return result;
    },
    stop(stoppedConnectionId, subscriptionId) {
      logger.info({ connectionId, subscriptionId }, `stop ${connection}/${subscriptionId.slice(0, 8)}`);
      backend.stop(stoppedConnectionId, subscriptionId);
    },
    disconnect(closedConnectionId) {
      logger.info({ connectionId }, `disconnect ${connection}`);
      backend.disconnect(closedConnectionId);
    },
  };
}

/** `sink`, calling `log('data')` for each event it delivers and `log('complete')` when the server ends it. */
function loggedSink(sink: SubscriptionSink, log: (event: 'data' | 'complete') => void): SubscriptionSink {
  return {
    next(data) {
      log('data');
      sink.next(data);
    },
    close() {
      log('complete');
      sink.close();
    },
  };
}

/** The query inside a start's `payload.data` (`{"query": …, "variables": …}`), or '' when unreadable. */
function queryOf(request: SubscriptionStartRequest): string {
  try {
    const parsed = JSON.parse(request.data) as { query?: unknown };
    return typeof parsed.query === 'string' ? parsed.query : '';
  } catch {
    return '';
  }
}
