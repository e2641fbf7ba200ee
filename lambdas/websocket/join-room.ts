/** `joinroom`: joins a public room through the chat API (idempotent: joining twice returns the same membership). */
import { chatApiFromEnvironment } from '../shared/chat-api.js';
import { RoomRequest } from '../shared/protocol.js';
import { messageRoute } from './route.js';

export const handler = messageRoute('joinroom', RoomRequest, async ({ roomId }, caller) => ({
  type: 'joined',
  membership: await chatApiFromEnvironment().joinRoom(caller.userId, roomId),
}));
