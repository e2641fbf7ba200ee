/**
 * GraphQL documents of the chat API for the end-to-end tests. Mutations select whole objects because AppSync
 * publishes what the mutation selected: subscribers can only see fields the mutation asked for.
 */
export const ROOM = 'id name topic visibility createdBy createdAt updatedAt archivedAt archivedBy directUserIds';
export const MEMBERSHIP =
  'roomId userId role status change muted joinedAt invitedBy changedBy changedAt peerId lastReadMessageId lastReadAt';
export const MESSAGE =
  'id roomId authorId body clientMessageId createdAt replyToId threadId editedAt deletedAt deletedBy reactions { emoji count } replyCount version cursor change';

export const CREATE_ROOM = `mutation CreateRoom($input: CreateRoomInput!) { createRoom(input: $input) { ${ROOM} } }`;
export const UPDATE_ROOM = `mutation UpdateRoom($input: UpdateRoomInput!) { updateRoom(input: $input) { ${ROOM} } }`;
export const ARCHIVE_ROOM = `mutation Archive($roomId: ID!) { archiveRoom(roomId: $roomId) { ${ROOM} } }`;
export const UNARCHIVE_ROOM = `mutation Unarchive($roomId: ID!) { unarchiveRoom(roomId: $roomId) { ${ROOM} } }`;
export const OPEN_DIRECT_ROOM = `mutation OpenDirect($userId: ID!) {
  openDirectRoom(userId: $userId) { ${MEMBERSHIP} room { ${ROOM} } } }`;

export const ENSURE_PUBLIC_ROOM = `mutation Ensure($id: ID!, $name: String!) { ensurePublicRoom(id: $id, name: $name) { ${ROOM} } }`;

export const JOIN_ROOM = `mutation Join($roomId: ID!) { joinRoom(roomId: $roomId) { ${MEMBERSHIP} } }`;
export const LEAVE_ROOM = `mutation Leave($roomId: ID!) { leaveRoom(roomId: $roomId) { ${MEMBERSHIP} } }`;
export const INVITE_MEMBER = `mutation Invite($roomId: ID!, $userId: ID!) {
  inviteMember(roomId: $roomId, userId: $userId) { ${MEMBERSHIP} room { id name } } }`;
export const REMOVE_MEMBER = `mutation Remove($roomId: ID!, $userId: ID!) { removeMember(roomId: $roomId, userId: $userId) { ${MEMBERSHIP} } }`;
export const SET_MEMBER_ROLE = `mutation SetRole($roomId: ID!, $userId: ID!, $role: MemberRole!) {
  setMemberRole(roomId: $roomId, userId: $userId, role: $role) { ${MEMBERSHIP} } }`;
export const MUTE_MEMBER = `mutation Mute($roomId: ID!, $userId: ID!) { muteMember(roomId: $roomId, userId: $userId) { ${MEMBERSHIP} } }`;
export const UNMUTE_MEMBER = `mutation Unmute($roomId: ID!, $userId: ID!) { unmuteMember(roomId: $roomId, userId: $userId) { ${MEMBERSHIP} } }`;
export const BAN_MEMBER = `mutation Ban($roomId: ID!, $userId: ID!) { banMember(roomId: $roomId, userId: $userId) { ${MEMBERSHIP} } }`;
export const UNBAN_MEMBER = `mutation Unban($roomId: ID!, $userId: ID!) { unbanMember(roomId: $roomId, userId: $userId) { ${MEMBERSHIP} } }`;

export const SEND_MESSAGE = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { ${MESSAGE} } }`;
export const EDIT_MESSAGE = `mutation Edit($input: EditMessageInput!) { editMessage(input: $input) { ${MESSAGE} } }`;
export const DELETE_MESSAGE = `mutation Delete($roomId: ID!, $messageId: ID!) { deleteMessage(roomId: $roomId, messageId: $messageId) { ${MESSAGE} } }`;
export const ADD_REACTION = `mutation React($input: ReactionInput!) { addReaction(input: $input) { ${MESSAGE} } }`;
export const REMOVE_REACTION = `mutation Unreact($input: ReactionInput!) { removeReaction(input: $input) { ${MESSAGE} } }`;
export const MARK_READ = `mutation MarkRead($roomId: ID!, $messageId: ID!) {
  markRead(roomId: $roomId, messageId: $messageId) { ${MEMBERSHIP} unreadCount } }`;
export const SEND_TYPING = `mutation Typing($roomId: ID!, $typing: Boolean) { sendTyping(roomId: $roomId, typing: $typing) { roomId userId typing at } }`;

export const ROOM_QUERY = `query Room($id: ID!) { room(id: $id) { ${ROOM} myMembership { role status } } }`;
export const MY_ROOMS = `query MyRooms($limit: Int, $nextToken: String) {
  myRooms(limit: $limit, nextToken: $nextToken) {
    items { ${ROOM} lastMessage { ${MESSAGE} } myMembership { ${MEMBERSHIP} unreadCount } }
    nextToken } }`;
export const PUBLIC_ROOMS = `query PublicRooms($limit: Int, $nextToken: String) {
  publicRooms(limit: $limit, nextToken: $nextToken) { items { ${ROOM} } nextToken } }`;
export const MEMBERS = `query Members($roomId: ID!) { members(roomId: $roomId) { items { ${MEMBERSHIP} } nextToken } }`;
export const MESSAGES = `query Messages($roomId: ID!, $limit: Int, $nextToken: String) {
  messages(roomId: $roomId, limit: $limit, nextToken: $nextToken) { items { ${MESSAGE} } nextToken } }`;
export const MESSAGE_QUERY = `query Message($roomId: ID!, $messageId: ID!) { message(roomId: $roomId, messageId: $messageId) { ${MESSAGE} } }`;
export const THREAD = `query Thread($roomId: ID!, $messageId: ID!, $limit: Int, $nextToken: String) {
  thread(roomId: $roomId, messageId: $messageId, limit: $limit, nextToken: $nextToken) { items { ${MESSAGE} } nextToken } }`;
export const MESSAGES_SINCE = `query Since($roomId: ID!, $after: String!, $limit: Int, $nextToken: String) {
  messagesSince(roomId: $roomId, after: $after, limit: $limit, nextToken: $nextToken) { items { ${MESSAGE} } nextToken } }`;
export const MESSAGE_REACTIONS = `query Reactions($roomId: ID!, $messageId: ID!) {
  messageReactions(roomId: $roomId, messageId: $messageId) { items { roomId messageId emoji userId createdAt } nextToken } }`;

export const ON_MESSAGE = `subscription OnMessage($roomId: ID!) { onMessage(roomId: $roomId) { ${MESSAGE} } }`;
export const ON_ROOM_EVENT = `subscription OnRoomEvent($roomId: ID!) { onRoomEvent(roomId: $roomId) { ${MEMBERSHIP} } }`;
export const ON_ROOM_UPDATE = `subscription OnRoomUpdate($roomId: ID!) { onRoomUpdate(roomId: $roomId) { ${ROOM} } }`;
export const ON_TYPING = `subscription OnTyping($roomId: ID!) { onTyping(roomId: $roomId) { roomId userId typing at } }`;
export const ON_MY_ROOMS = `subscription OnMyRooms { onMyRooms { ${MEMBERSHIP} } }`;

/** The cursor before every change: messagesSince from the start. */
export const CURSOR_ZERO = '0'.repeat(26);

export interface Room {
  id: string;
  name: string;
  topic: string | null;
  visibility: string;
  createdBy: string;
  archivedAt: string | null;
  archivedBy: string | null;
  directUserIds: string[] | null;
}
export interface Membership {
  roomId: string;
  userId: string;
  role: string;
  status: string;
  change: string;
  muted: boolean;
  changedBy: string;
  peerId: string | null;
  lastReadMessageId: string | null;
  unreadCount?: number;
}
export interface Message {
  id: string;
  roomId: string;
  authorId: string;
  body: string;
  clientMessageId: string;
  createdAt: string;
  replyToId: string | null;
  threadId: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  deletedBy: string | null;
  reactions: { emoji: string; count: number }[];
  replyCount: number;
  version: number;
  cursor: string;
  change: string;
}
