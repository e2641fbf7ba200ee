/**
 * The parts of API Gateway WebSocket events the handlers read (shapes: shared reference apigw-websocket.md §2–3),
 * validated with zod. Unknown fields pass through; absent optional ones (headers on MESSAGE, body on CONNECT) are
 * allowed, as API Gateway leaves them out.
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string()).nullish();

/** What the `$connect` authorizer returned, as API Gateway attaches it (stringified) to every later event. */
const AuthorizerContext = z.looseObject({
  principalId: z.string().min(1),
  username: z.string().nullish(),
});

const RequestContext = z.looseObject({
  routeKey: z.string(),
  eventType: z.enum(['CONNECT', 'MESSAGE', 'DISCONNECT']),
  connectionId: z.string().min(1),
  /** Epoch milliseconds, constant for the connection. */
  connectedAt: z.number(),
  authorizer: AuthorizerContext.nullish(),
});

/** A Lambda REQUEST authorizer's input on `$connect`. */
export const AuthorizerEvent = z.looseObject({
  type: z.literal('REQUEST'),
  methodArn: z.string().min(1),
  headers: stringMap,
  queryStringParameters: stringMap,
  requestContext: z.looseObject({ connectionId: z.string().min(1), routeKey: z.string() }),
});

/** `$connect`: the upgrade request's headers and query. */
export const ConnectEvent = z.looseObject({
  headers: stringMap,
  queryStringParameters: stringMap,
  requestContext: RequestContext,
});

/** A message route (`$default` or custom): the frame's text. */
export const MessageEvent = z.looseObject({
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
  requestContext: RequestContext,
});

/** `$disconnect`. */
export const DisconnectEvent = z.looseObject({
  requestContext: RequestContext.extend({
    disconnectStatusCode: z.number().nullish(),
    disconnectReason: z.string().nullish(),
  }),
});

export type RequestContext = z.infer<typeof RequestContext>;

/** The user a connection belongs to, from the authorizer context. */
export function connectionUserId(requestContext: RequestContext): string | undefined {
  return requestContext.authorizer?.principalId;
}
