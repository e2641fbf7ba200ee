/** The room-scoped subscriptions, and ending one member's subscriptions to a room. */
import { extensions } from '@aws-appsync/utils';

/** Subscriptions that deliver one room's events to its joined members. */
export const ROOM_SUBSCRIPTIONS = ['onMessage', 'onRoomEvent', 'onRoomUpdate', 'onTyping'];

/**
 * Ends `userId`'s subscriptions to the room at once (they left, were removed or banned). Each subscription set an
 * invalidation filter on (roomId, its subscriber) when it started. Four calls: AppSync allows five per request.
 */
export function endRoomSubscriptions(roomId: string, userId: string): void {
  ROOM_SUBSCRIPTIONS.forEach((subscriptionField) => {
    extensions.invalidateSubscriptions({ subscriptionField, payload: { roomId, userId } });
  });
}
