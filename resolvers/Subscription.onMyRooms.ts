/**
 * The caller's room list, live: changes to the caller's own memberships (invitations, removal, bans, role and mute
 * changes, joins and leaves and read markers from their other devices) and direct rooms another user opened with
 * them. Filtered on the subscriber's identity, never on an argument. NONE data source: nothing is read.
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { callerId } from './lib/context';

export function request(ctx: Context) {
  ctx.stash.subscriberId = callerId(ctx);
  return { payload: null };
}

export function response(ctx: Context) {
  const me: string = ctx.stash.subscriberId;
  extensions.setSubscriptionFilter(
    util.transform.toSubscriptionFilter({
      or: [{ userId: { eq: me } }, { peerId: { eq: me }, change: { eq: 'DIRECT_OPENED' } }],
    }),
  );
  return null;
}
