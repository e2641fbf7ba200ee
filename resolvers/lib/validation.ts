/** Input rules shared by several operations; each refuses with a ValidationError that names the limit. */
import { util } from '@aws-appsync/utils';

/** Longest message body, in characters (UTF-16 code units, as JavaScript counts). */
export const MAX_BODY_LENGTH = 4000;
/** Longest room name, in characters. */
export const MAX_NAME_LENGTH = 100;
/** Longest room topic, in characters. */
export const MAX_TOPIC_LENGTH = 500;
/** Different emoji one message can carry; keeps a message item small. */
export const MAX_REACTION_KINDS = 50;

/** A message body: not blank, at most MAX_BODY_LENGTH characters. */
export function validBody(body: string): string {
  if (body.trim().length === 0) {
    util.error('Message body must not be empty', 'ValidationError');
  }
  if (body.length > MAX_BODY_LENGTH) {
    util.error(`Message body is ${body.length} characters; the limit is ${MAX_BODY_LENGTH}`, 'ValidationError');
  }
  return body;
}

/** A room name, trimmed: 1 to MAX_NAME_LENGTH characters. */
export function validRoomName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    util.error(`Room name must be 1 to ${MAX_NAME_LENGTH} characters`, 'ValidationError');
  }
  return trimmed;
}

/** A room topic, trimmed: at most MAX_TOPIC_LENGTH characters; empty means no topic (null). */
export function validTopic(topic: string | null | undefined): string | null {
  const trimmed = (topic ?? '').trim();
  if (trimmed.length > MAX_TOPIC_LENGTH) {
    util.error(`Room topic must be at most ${MAX_TOPIC_LENGTH} characters`, 'ValidationError');
  }
  return trimmed.length === 0 ? null : trimmed;
}

/** A reaction: an emoji or short code, 1 to 32 characters, no whitespace or `#`. */
export function validEmoji(emoji: string): string {
  if (!util.matches('[^\\s#]{1,32}', emoji)) {
    util.error('emoji must be 1 to 32 characters without whitespace or "#"', 'ValidationError');
  }
  return emoji;
}

/** A client's idempotency key: 1 to 128 characters without `#`. */
export function validClientMessageId(clientMessageId: string): string {
  if (!util.matches('[^#]{1,128}', clientMessageId)) {
    util.error('clientMessageId must be 1 to 128 characters without "#"', 'ValidationError');
  }
  return clientMessageId;
}
