/**
 * The `$connect` REQUEST authorizer: lets a connection open when it carries a valid Cognito token of the app client
 * (ID or access token) in `?token=` or among the offered subprotocols. The token's `sub` becomes the principal id,
 * which API Gateway attaches to every later event of the connection.
 *
 * A missing or invalid token throws `Unauthorized` (API Gateway answers the handshake with 401).
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { UnauthorizedError } from '../shared/errors.js';
import { AuthorizerEvent } from '../shared/events.js';
import { countMetric, instrumented, logger } from '../shared/powertools.js';
import { handshakeToken } from './handshake.js';
import { tokenVerifierFromEnvironment, type TokenOwner } from './token-verifier.js';

export const handler = instrumented('websocketAuthorizer', async (input: unknown): Promise<APIGatewayAuthorizerResult> => {
  const event = AuthorizerEvent.parse(input);
  const verifier = tokenVerifierFromEnvironment();
  logger.appendKeys({ connectionId: event.requestContext.connectionId });
  const token = handshakeToken(event);
  if (token === undefined) refuse('no token in ?token= or Sec-WebSocket-Protocol');
  let owner: TokenOwner;
  try {
    owner = await verifier.verify(token);
  } catch (error) {
    refuse(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  countMetric('ConnectionsAuthorized');
  return {
    principalId: owner.sub,
    policyDocument: {
      Version: '2012-10-17',
      // The method ARN of this $connect exactly: wildcards such as …/prod/*/* do not match it.
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    // Scalars only; API Gateway hands them (stringified) to every route of the connection.
    context: { username: owner.username },
  };
});

function refuse(reason: string): never {
  countMetric('ConnectionsRefused');
  logger.info('Connection refused', { reason });
  throw new UnauthorizedError(reason);
}
