import { util } from '@aws-appsync/utils';
import type { AppSyncIdentityCognito, Context } from '@aws-appsync/utils';

/** The calling user's id (Cognito `sub`); refuses callers without one. */
export function callerId(ctx: Context): string {
  const identity = ctx.identity as AppSyncIdentityCognito | null;
  if (!identity || !identity.sub) {
    util.unauthorized();
  }
  return identity.sub;
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
