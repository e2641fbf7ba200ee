/**
 * The chat API operations the benchmark uses. sendMessage selects every field onMessage selects, as AppSync
 * requires for the published payload to carry them.
 */
export const MESSAGE_FIELDS =
  'id roomId authorId body clientMessageId createdAt replyToId threadId editedAt deletedAt deletedBy reactions { emoji count } replyCount version cursor change';

export const SEND_MESSAGE = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { ${MESSAGE_FIELDS} } }`;
export const ON_MESSAGE = `subscription OnMessage($roomId: ID!) { onMessage(roomId: $roomId) { ${MESSAGE_FIELDS} } }`;
export const CREATE_ROOM = 'mutation CreateRoom($input: CreateRoomInput!) { createRoom(input: $input) { id } }';
export const JOIN_ROOM = 'mutation Join($roomId: ID!) { joinRoom(roomId: $roomId) { status } }';
