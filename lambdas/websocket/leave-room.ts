/** `leaveroom`: leaves a room through the chat API; the room's messages stop reaching the user's connections. */
import { chatApiFromEnvironment } from '../shared/chat-api.js';
import { RoomRequest } from '../shared/protocol.js';
import { messageRoute } from './route.js';

export const handler = messageRoute('leaveroom', RoomRequest, async ({ roomId }, caller) => ({
  type: 'left',
  membership: await chatApiFromEnvironment().leaveRoom(caller.userId, roomId),
}));
