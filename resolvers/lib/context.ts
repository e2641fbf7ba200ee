import { util } from '@aws-appsync/utils';
import type { AppSyncIdentityCognito, Context } from '@aws-appsync/utils';

/**
 * Backend code (the WebSocket bridge) calls with IAM on a user's behalf and names that user in this header. Only
 * IAM principals granted access to the API can do so; users' own tokens can never set it.
 */
export const ACTING_USER_HEADER = 'x-wavechat-user-id';

/** User ids (Cognito subs, or what the bridge names): no `#` or `:`, which separate key parts. */
const USER_ID_PATTERN = '[A-Za-z0-9._-]{1,128}';
/** Room and message ids: ULIDs, provisioned ids like `lobby`, direct-room ids `direct:<a>:<b>`. */
const ENTITY_ID_PATTERN = '[A-Za-z0-9:._-]{1,300}';

/** The calling user's id: the Cognito `sub`, or for IAM backend calls the user they act for. */
export function callerId(ctx: Context): string {
  if (util.authType() === 'IAM Authorization') {
    const actingUser: string | undefined = ctx.request.headers[ACTING_USER_HEADER];
    if (!actingUser) {
      util.error(`IAM callers must name the user they act for in the ${ACTING_USER_HEADER} header`, 'Unauthorized');
    }
    if (!util.matches(USER_ID_PATTERN, actingUser)) {
      util.error(`The ${ACTING_USER_HEADER} header is not a valid user id`, 'ValidationError');
    }
    return actingUser;
  }
  const identity = ctx.identity as AppSyncIdentityCognito | null;
  if (!identity || !identity.sub) {
    util.unauthorized();
  }
  return identity.sub;
}

/** Refuses a user id that could not be a key part; returns it. */
export function validUserId(userId: string, argument: string): string {
  if (!util.matches(USER_ID_PATTERN, userId)) {
    util.error(`${argument} is not a valid user id`, 'ValidationError');
  }
  return userId;
}

/** Refuses a room or message id that could not be a key part; returns it. */
export function validEntityId(id: string, argument: string): string {
  if (!util.matches(ENTITY_ID_PATTERN, id)) {
    util.error(`${argument} is not a valid id`, 'ValidationError');
  }
  return id;
}

/** The room an operation is about: `roomId`, `input.roomId` or (for `room(id)`) `id`. */
export function roomIdArgument(ctx: Context): string {
  const args = ctx.args;
  const roomId: string = args.roomId ?? (args.input && args.input.roomId) ?? args.id;
  return validEntityId(roomId, 'roomId');
}

/** The message an operation is about: `messageId`, `input.messageId`, or the `input.replyToId` of a reply. */
export function messageIdArgument(ctx: Context): string | null {
  const args = ctx.args;
  const messageId: string | null =
    args.messageId ?? (args.input && (args.input.messageId ?? args.input.replyToId)) ?? null;
  return messageId === null ? null : validEntityId(messageId, 'messageId');
}

/** Raises a data-source error the way every resolver here wants: as the field's error. */
export function raiseDataSourceError(ctx: Context): void {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
}

/** The page size of list operations: 1–100, 20 when omitted. */
export function pageLimit(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) {
    return 20;
  }
  if (limit < 1 || limit > 100) {
    util.error(`limit must be between 1 and 100, got ${limit}`, 'ValidationError');
  }
  return limit;
}

/** The chat table's deployed name (batch and transaction requests must name their tables). */
export function chatTableName(ctx: Context): string {
  const name = ctx.env.CHAT_TABLE;
  if (!name) {
    util.error('The API has no CHAT_TABLE environment variable', 'InternalFailure');
  }
  return name;
}

/** Why a transaction was cancelled: the reason of its `index`-th item, when that item's condition failed. */
export function failedConditionOf(ctx: Context, index: number): { item?: Record<string, unknown> } | null {
  const reasons = ctx.result && ctx.result.cancellationReasons;
  const reason = reasons && reasons[index];
  return reason && reason.type === 'ConditionalCheckFailed' ? reason : null;
}
