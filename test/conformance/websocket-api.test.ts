/**
 * Conformance: the raw WebSocket API on API Gateway as a `ws`/`wscat` client sees it — the `$connect` authorizer's
 * answers, the AWS tutorial's message, `$default`'s usage reply, the bridge to and from GraphQL subscribers, and
 * API Gateway's frame limits (reference: apigw-websocket.md §1, §2.4, §5; docs/websocket-protocol.md).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_ROOM, ON_MESSAGE, SEND_MESSAGE, type Message } from '../support/chat-documents.js';
import { graphql } from './support/graphql.js';
import {
  connectRealtime,
  handshake,
  nextData,
  openChatSocket,
  request,
  startSubscription,
  webSocketUrl,
  type FrameLog,
} from './support/sockets.js';
import { openTarget, type ConformanceTarget, type ConformanceUser } from './support/target.js';

let target: ConformanceTarget;
let ada: ConformanceUser;
let bob: ConformanceUser;
const sockets: FrameLog[] = [];

beforeAll(async () => {
  target = await openTarget();
  [ada, bob] = await Promise.all([target.user('ada'), target.user('bob')]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await target?.close();
});

async function chatSocket(user: ConformanceUser): Promise<FrameLog> {
  const socket = await openChatSocket(target, user.idToken);
  sockets.push(socket);
  return socket;
}

describe('handshake', () => {
  it.each([
    ['no token', () => webSocketUrl(target), undefined, 401],
    ['a malformed token', () => webSocketUrl(target, 'not-a-jwt'), undefined, 401],
    ['a token with a tampered signature', () => webSocketUrl(target, `${ada.idToken.slice(0, -6)}AAAAAA`), undefined, 401],
    ['subprotocols without wavechat', () => webSocketUrl(target, ada.idToken), ['graphql-ws'], 400],
  ])('refuses %s before the connection opens', async (_what, url, protocols, status) => {
    expect(await handshake(url(), protocols, target.ca)).toEqual({ refusedWith: status });
  });

  it('accepts the token among the subprotocols and selects wavechat, never the token', async () => {
    const result = await handshake(webSocketUrl(target), ['wavechat', ada.idToken], target.ca);
    expect(result).toMatchObject({ protocol: 'wavechat' });
    if ('opened' in result) sockets.push(result.opened);
  });

  it('accepts an access token in the query', async () => {
    sockets.push(await openChatSocket(target, ada.accessToken));
  });
});

describe('routes', { timeout: 60_000 }, () => {
  it('answers the AWS tutorial’s message, sent verbatim, with sent and then the lobby’s push', async () => {
    const socket = await chatSocket(ada);
    socket.send('{"action": "sendmessage", "message": "hello, everyone!"}');
    const sent = await socket.next();
    expect(sent).toMatchObject({
      type: 'sent',
      message: { roomId: 'lobby', authorId: ada.sub, body: 'hello, everyone!', version: 1, change: 'CREATED' },
    });
    const { text: _text, ...reply } = sent;
    const message = (reply as { message: Message }).message;
    expect(await socket.next((frame) => frame.type === 'message' && (frame['message'] as Message).id === message.id)).toEqual({
      type: 'message',
      message,
      text: expect.any(String),
    });
  });

  it.each([
    ['an unknown action', '{"action":"shout","requestId":"r-1"}', 'Unknown action "shout"'],
    ['the tutorial’s non-JSON test message', 'test', 'The message is not JSON.'],
  ])('answers %s with a usage reply carrying the connection’s info', async (_what, text, reason) => {
    const socket = await chatSocket(bob);
    socket.send(text);
    const usage = await socket.next();
    expect(usage).toMatchObject({
      type: 'usage',
      message: expect.stringMatching(/^Use the sendmessage route to send a message\./),
      reason: expect.stringContaining(reason),
      actions: {
        sendmessage: expect.any(String),
        joinroom: expect.any(String),
        leaveroom: expect.any(String),
        typing: expect.any(String),
        history: expect.any(String),
      },
      connection: {
        // API Gateway's connection ids: 16 characters of base64 ending in "=".
        connectionId: expect.stringMatching(/^[A-Za-z0-9+/_-]{15}=$/),
        userId: bob.sub,
        connectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        lastActiveAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        identity: { sourceIp: expect.any(String) },
      },
    });
    expect(usage['requestId']).toBe(text.startsWith('{') ? 'r-1' : undefined);
  });
});

describe('the bridge between the two APIs', { timeout: 60_000 }, () => {
  it('delivers a raw sendmessage to GraphQL subscribers and a GraphQL sendMessage to raw connections', async () => {
    const { createRoom } = await graphql<{ createRoom: { id: string } }>(target, ada, CREATE_ROOM, {
      input: { name: 'conformance bridge', visibility: 'PUBLIC' },
    });
    const roomId = createRoom.id;
    const raw = await chatSocket(bob);
    expect(await request(raw, 'joinroom', { roomId }, 'join')).toMatchObject({
      type: 'joined',
      membership: { roomId, userId: bob.sub, status: 'JOINED' },
    });
    const realtime = await connectRealtime(target, ada.accessToken);
    sockets.push(realtime);
    const subscription = randomUUID();
    expect((await startSubscription(realtime, target, ada.accessToken, subscription, ON_MESSAGE, { roomId })).type).toBe(
      'start_ack',
    );

    // Raw → GraphQL: the subscriber sees the message the sent reply describes.
    const sent = await request(raw, 'sendmessage', { roomId, message: 'from the raw socket' }, 'send');
    expect(sent).toMatchObject({ type: 'sent', message: { roomId, authorId: bob.sub, body: 'from the raw socket' } });
    expect(await nextData<Message>(realtime, subscription, 'onMessage')).toEqual(sent['message']);

    // GraphQL → raw: the push carries exactly the GraphQL Message.
    const { sendMessage } = await graphql<{ sendMessage: Message }>(target, ada, SEND_MESSAGE, {
      input: { roomId, body: 'from the GraphQL app' },
    });
    const pushed = await raw.next((frame) => frame.type === 'message' && (frame['message'] as Message).id === sendMessage.id);
    expect(pushed['message']).toEqual(sendMessage);
  });
});

describe('API Gateway limits', () => {
  it('closes a connection that sends a frame over 32 KB with 1009', async () => {
    const socket = await chatSocket(bob);
    socket.send(JSON.stringify({ action: 'sendmessage', message: 'x'.repeat(33 * 1024) }));
    expect((await socket.closed).code).toBe(1009);
  });

  it('closes a connection that sends a binary frame with 1003', async () => {
    const socket = await chatSocket(bob);
    socket.socket.send(Buffer.from('{"action":"sendmessage","message":"binary"}'), { binary: true });
    expect((await socket.closed).code).toBe(1003);
  });
});
