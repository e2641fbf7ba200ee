/**
 * What every custom route does around its own work: read the caller (from the authorizer context), validate the
 * message, run, and post the reply — or an `error` frame saying what was wrong — to the caller's connection.
 *
 * Replies are posted through `@connections` rather than returned: integrations are one-way unless a route response
 * is configured, and posting keeps every reply a JSON frame of the protocol.
 */
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { GraphqlRequestError, MissingAuthorizerContextError } from '../shared/errors.js';
import { MessageEvent, connectionUserId } from '../shared/events.js';
import { countMetric, instrumented, logger } from '../shared/powertools.js';
import { describeIssues, parseBody, requestIdOf, type Action, type ReplyFrame } from '../shared/protocol.js';
import { pusherFromEnvironment } from '../shared/pusher.js';

/** Who sent the message. */
export interface Caller {
  readonly connectionId: string;
  /** The Cognito `sub` the authorizer found in the connection's token. */
  readonly userId: string;
}

/**
 * A route handler for `action`: `run` gets the validated message and the caller and returns the reply frame.
 * Errors of the chat API become `error` frames with the API's error type and message.
 *
 * @example
 * ```ts
 * export const handler = messageRoute('leaveroom', RoomRequest, async ({ roomId }, caller) => ({
 *   type: 'left',
 *   membership: await chatApiFromEnvironment().leaveRoom(caller.userId, roomId),
 * }));
 * ```
 */
export function messageRoute<S extends z.ZodType>(
  action: Action,
  request: S,
  run: (message: z.output<S>, caller: Caller) => Promise<ReplyFrame>,
): (event: unknown, context: Context) => Promise<APIGatewayProxyResult> {
  return instrumented(`websocket-${action}`, async (input: unknown) => {
    const event = MessageEvent.parse(input);
    const { connectionId, routeKey } = event.requestContext;
    const userId = connectionUserId(event.requestContext);
    if (userId === undefined) throw new MissingAuthorizerContextError(routeKey);
    logger.appendKeys({ connectionId, userId, action });
    const pusher = pusherFromEnvironment();

    const body = parseBody(event.body);
    const requestId = requestIdOf(body);
    const reply = (frame: ReplyFrame) => pusher.push(connectionId, requestId === undefined ? frame : { ...frame, requestId });
    const fail = (type: string, message: string) => reply({ type: 'error', action, error: { type, message } });

    const parsed = request.safeParse(body);
    if (!parsed.success) {
      countMetric('RequestsInvalid');
      await fail('BadRequest', describeIssues(parsed.error));
      return { statusCode: 400, body: 'Bad request' };
    }
    try {
      await reply(await run(parsed.data, { connectionId, userId }));
      countMetric('RequestsCompleted');
      return { statusCode: 200, body: 'OK' };
    } catch (error) {
      // An answer with errors and HTTP 200 is the API refusing this user's request: tell the user why. Anything
      // else (credentials rejected, API unreachable) is ours to fix, not theirs.
      if (error instanceof GraphqlRequestError && error.status === 200) {
        countMetric('RequestsRefused');
        logger.info('The chat API refused the request', { errorType: error.errorType, reason: error.firstMessage });
        await fail(error.errorType, error.firstMessage);
        return { statusCode: 200, body: 'Refused' };
      }
      countMetric('RequestsFailed');
      logger.error('Request failed', { error: error as Error });
      await fail('InternalError', 'The request could not be completed; try again later');
      return { statusCode: 500, body: 'Internal error' };
    }
  });
}
