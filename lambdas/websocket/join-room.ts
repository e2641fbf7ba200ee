/**
 * `joinroom`: joins a public room through the chat API (idempotent: joining twice returns the same membership). The
 * lobby exists for every user, so joining it creates it first if needed (also idempotent).
 */
import { chatApiFromEnvironment } from '../shared/chat-api.js';
import { LOBBY, RoomRequest } from '../shared/protocol.js';
import { messageRoute } from './route.js';

export const handler = messageRoute('joinroom', RoomRequest, async ({ roomId }, caller) => {
  const api = chatApiFromEnvironment();
  if (roomId === LOBBY.id) await api.ensurePublicRoom(caller.userId, LOBBY.id, LOBBY.name);
  return { type: 'joined', membership: await api.joinRoom(caller.userId, roomId) };
});
