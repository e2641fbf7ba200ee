/**
 * `$default`: any message that names no known action (or is not JSON). As the AWS tutorial's DefaultHandler does,
 * it replies to the sender only with how to use the API and the caller's connection info (GetConnection on itself),
 * here as a `usage` frame that also says why the message landed here.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { MissingAuthorizerContextError } from '../shared/errors.js';
import { MessageEvent, connectionUserId } from '../shared/events.js';
import { countMetric, instrumented, logger } from '../shared/powertools.js';
import { ACTIONS, parseBody, requestIdOf } from '../shared/protocol.js';
import { pusherFromEnvironment } from '../shared/pusher.js';

export const handler = instrumented('websocketDefault', async (input: unknown): Promise<APIGatewayProxyResult> => {
  const event = MessageEvent.parse(input);
  const { connectionId, routeKey } = event.requestContext;
  const userId = connectionUserId(event.requestContext);
  if (userId === undefined) throw new MissingAuthorizerContextError(routeKey);
  logger.appendKeys({ connectionId, userId });
  const pusher = pusherFromEnvironment();
  const info = await pusher.connectionInfo(connectionId);
  if (info === undefined) return { statusCode: 410, body: 'Gone' };
  const body = parseBody(event.body);
  const requestId = requestIdOf(body);
  await pusher.push(connectionId, {
    type: 'usage',
    ...(requestId === undefined ? {} : { requestId }),
    message: 'Use the sendmessage route to send a message. Your info is in "connection".',
    reason: whyUnrouted(body),
    actions: ACTIONS,
    connection: { connectionId, userId, ...info },
  });
  countMetric('UsageReplies');
  return { statusCode: 200, body: 'OK' };
});

/** `body` is the parsed message, undefined when it was not JSON. */
function whyUnrouted(body: unknown): string {
  if (body === undefined) return 'The message is not JSON.';
  const action = typeof body === 'object' && body !== null ? (body as { action?: unknown }).action : undefined;
  if (action === undefined) return 'The message has no "action".';
  return `Unknown action ${JSON.stringify(action)}; actions are ${Object.keys(ACTIONS).join(', ')}.`;
}
