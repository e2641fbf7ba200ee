/**
 * `$disconnect`: removes the connection's item and its entry among its user's connections. API Gateway calls it on a
 * best-effort basis; when it does not, the entry's expiry on reads and the GoneException clean-up of pushes cover
 * for it.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { connectionStoreFromEnvironment } from '../shared/connection-store.js';
import { DisconnectEvent } from '../shared/events.js';
import { countMetric, instrumented, logger } from '../shared/powertools.js';

export const handler = instrumented('websocketDisconnect', async (input: unknown): Promise<APIGatewayProxyResult> => {
  const { requestContext } = DisconnectEvent.parse(input);
  const { connectionId } = requestContext;
  await connectionStoreFromEnvironment().remove(connectionId);
  countMetric('ConnectionsClosed');
  logger.info('Connection removed', {
    connectionId,
    closeCode: requestContext.disconnectStatusCode,
    closeReason: requestContext.disconnectReason,
  });
  return { statusCode: 200, body: 'Disconnected.' };
});
