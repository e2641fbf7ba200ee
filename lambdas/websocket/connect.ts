/**
 * `$connect` (after the authorizer allowed it): registers the connection under its user with a TTL, and accepts the
 * `wavechat` subprotocol when the client offered subprotocols (a browser passing its token that way fails the
 * handshake unless one offered value is echoed).
 *
 * The connection cannot be posted to yet (API Gateway answers 410 until `$connect` returns), so nothing is sent.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CONNECTION_LIFETIME_SECONDS, connectionStoreFromEnvironment } from '../shared/connection-store.js';
import { ConnectEvent, connectionUserId } from '../shared/events.js';
import { countMetric, instrumented, logger } from '../shared/powertools.js';
import { SUBPROTOCOL } from '../shared/protocol.js';
import { offeredSubprotocols } from './handshake.js';

export const handler = instrumented('websocketConnect', async (input: unknown): Promise<APIGatewayProxyResult> => {
  const event = ConnectEvent.parse(input);
  const { connectionId, connectedAt } = event.requestContext;
  logger.appendKeys({ connectionId });
  const userId = connectionUserId(event.requestContext);
  if (userId === undefined) {
    logger.error('$connect without an authorizer principal: the API must use the $connect authorizer');
    return { statusCode: 401, body: 'Unauthorized' };
  }
  const offered = offeredSubprotocols(event.headers);
  if (offered.length > 0 && !offered.includes(SUBPROTOCOL)) {
    logger.info('Refused: the client offered subprotocols without wavechat', { offered: offered.filter((p) => !p.includes('.')) });
    return { statusCode: 400, body: `Offer the ${SUBPROTOCOL} subprotocol` };
  }
  await connectionStoreFromEnvironment().register({
    connectionId,
    userId,
    connectedAt: new Date(connectedAt).toISOString(),
    expiresAt: Math.floor(connectedAt / 1000) + CONNECTION_LIFETIME_SECONDS,
  });
  countMetric('ConnectionsOpened');
  logger.info('Connection registered', { userId });
  return {
    statusCode: 200,
    body: 'Connected.',
    ...(offered.length > 0 ? { headers: { 'Sec-WebSocket-Protocol': SUBPROTOCOL } } : {}),
  };
});
