/**
 * The raw-WebSocket wire protocol (docs/websocket-protocol.md): what clients send, validated with zod, and the JSON
 * frames the server sends back. Every server frame has a `type`.
 */
import { z } from 'zod';
import type { ChatMessage, Membership, TypingEvent } from './chat-api.js';
import type { ConnectionInfo } from './pusher.js';

/** The subprotocol a browser offers (next to its token) and the server echoes, completing the handshake. */
export const SUBPROTOCOL = 'wavechat';

/** The public room every user can post to; `sendmessage` without a roomId goes here. */
export const LOBBY = { id: 'lobby', name: 'Lobby' } as const;

/** Route keys of the API (the `action` of a client message). */
export const ACTIONS = {
  sendmessage:
    'Post a message: {"action":"sendmessage","message":"hello"} goes to the lobby; add "roomId" to choose the room, ' +
    '"clientMessageId" to make retries safe, "replyToId" to reply in a thread.',
  joinroom: 'Join a public room (or accept an invitation): {"action":"joinroom","roomId":"…"}.',
  leaveroom: 'Leave a room: {"action":"leaveroom","roomId":"…"}.',
  typing: 'Tell the room you are typing, or stopped: {"action":"typing","roomId":"…","typing":true}.',
  history:
    'Read a room\'s messages, newest first: {"action":"history","roomId":"…","limit":20,"nextToken":"…"}; ' +
    'with "after" (a message cursor), the messages changed since then, in change order.',
} as const;

export type Action = keyof typeof ACTIONS;

const id = z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters');
/** Echoed in the reply, so a client can match replies to requests. */
const requestId = z.string().max(128, 'must be at most 128 characters').optional();

export const SendMessageRequest = z.object({
  message: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required: the text to send' : 'must be a string') })
    .refine((text) => text.trim().length > 0, 'must not be blank'),
  roomId: id.optional(),
  clientMessageId: id.optional(),
  replyToId: id.optional(),
  requestId,
});

/** joinroom and leaveroom name a room and nothing else. */
export const RoomRequest = z.object({ roomId: id, requestId });

export const TypingRequest = z.object({ roomId: id, typing: z.boolean().default(true), requestId });

export const HistoryRequest = z.object({
  roomId: id,
  limit: z.number().int().min(1).max(100).optional(),
  nextToken: z.string().min(1).optional(),
  /** A Message.cursor: read what changed after it (catch-up) instead of the newest messages. */
  after: z.string().min(1).optional(),
  requestId,
});

/** What went wrong: `BadRequest` (an invalid message), `InternalError` (ours), else the chat API's own error type. */
export interface ErrorDetail {
  readonly type: string;
  readonly message: string;
  /**
   * Seconds to wait before sending again, with `RateLimitExceeded` (the user's send rate or the room's slow mode):
   * the API's `errorInfo.retryAfter`, unchanged.
   */
  readonly retryAfter?: number;
}

/** A message body as JSON, or undefined when it is not JSON. */
export function parseBody(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `requestId` a request carries, which its reply echoes. */
export function requestIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const requestId = (body as { requestId?: unknown }).requestId;
  return typeof requestId === 'string' ? requestId : undefined;
}

/** Replies go to the connection that sent the request and echo its `requestId`. */
export type ReplyFrame =
  | { readonly type: 'sent'; readonly message: ChatMessage }
  | { readonly type: 'joined'; readonly membership: Membership }
  | { readonly type: 'left'; readonly membership: Membership }
  | { readonly type: 'typingSent'; readonly event: TypingEvent }
  | {
      readonly type: 'history';
      readonly roomId: string;
      /** Echoed when the page is a catch-up (messages changed after this cursor, in change order). */
      readonly after?: string;
      readonly items: readonly ChatMessage[];
      readonly nextToken: string | null;
    }
  | { readonly type: 'error'; readonly action: string; readonly error: ErrorDetail };

/**
 * Pushes go to the connections of a room's joined members. A `message` push carries the message in its current
 * state, exactly as GraphQL's onMessage delivers it: `message.change` says what happened (CREATED, EDITED, DELETED,
 * REACTIONS, REPLIES) and `message.version` orders the states of one message.
 */
export type PushFrame =
  | { readonly type: 'message'; readonly message: ChatMessage }
  | ({ readonly type: 'typing' } & TypingEvent);

/** The `$default` route's answer: how to use the API, and who the caller is. */
export interface UsageFrame {
  readonly type: 'usage';
  /** The request's `requestId`, when it was JSON carrying one. */
  readonly requestId?: string;
  readonly message: string;
  /** Why the message reached `$default` (not JSON, no action, unknown action). */
  readonly reason: string;
  readonly actions: typeof ACTIONS;
  readonly connection: ConnectionInfo & { readonly connectionId: string; readonly userId: string };
}

export type ServerFrame = (ReplyFrame & { readonly requestId?: string }) | PushFrame | UsageFrame;

/** `roomId: must not be empty; message: is required` — what a client needs to fix its message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
