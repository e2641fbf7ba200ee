/**
 * The pipeline code of the room subscriptions (onMessage, onRoomEvent, onRoomUpdate, onTyping), after
 * loadRoomContext has checked that the subscriber is a joined member: events of this room only (typing: not the
 * subscriber's own), ended when the subscriber leaves or is removed or banned (lib/subscriptions.ts).
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';

export function request(): Record<string, never> {
  return {};
}

export function response(ctx: Context) {
  const roomId: string = ctx.stash.room.id;
  const subscriberId: string = ctx.stash.membership.userId;
  // Rooms carry their id as `id`; messages, memberships and typing events as `roomId`.
  const filter: Record<string, unknown> =
    ctx.info.fieldName === 'onRoomUpdate' ? { id: { eq: roomId } } : { roomId: { eq: roomId } };
  if (ctx.info.fieldName === 'onTyping') {
    filter.userId = { ne: subscriberId };
  }
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));
  extensions.setSubscriptionInvalidationFilter(
    util.transform.toSubscriptionFilter({ roomId: { eq: roomId }, userId: { eq: subscriberId } }),
  );
  return null;
}
