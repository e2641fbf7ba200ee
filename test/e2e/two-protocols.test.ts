/**
 * One chat, two protocols: an aws-amplify v6 app (GraphQL over AppSync's real-time protocol) and a plain `ws` client
 * of the raw WebSocket API share a room, through the whole local cloud as `npm start` runs it (local AppSync, local
 * API Gateway, the Lambdas in worker threads, DynamoDB Local and its stream poller).
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { LocalCloud } from '../../local/cloud.js';
import { signIn } from '../../local/cognito/index.js';
import { AmplifyUser } from '../support/amplify-user.js';
import { CREATE_ROOM, MESSAGES, ON_MESSAGE, SEND_MESSAGE } from '../support/chat-documents.js';
import { addUser, caPemOf, startFullChatCloud } from '../support/cloud.js';

type Frame = { type: string } & Record<string, unknown>;

describe('a GraphQL app and a raw WebSocket client in one room', () => {
  let cloud: LocalCloud;
  let ada: AmplifyUser;
  let bob: WebSocket;
  const bobFrames: Frame[] = [];

  /** The first frame Bob received that matches, waiting for it. */
  const bobReceives = (match: (frame: Frame) => boolean) =>
    vi.waitFor(
      () => {
        const frame = bobFrames.find(match);
        if (!frame) throw new Error('not received yet');
        return frame;
      },
      { timeout: 10_000, interval: 20 },
    );

  beforeAll(async () => {
    cloud = await startFullChatCloud();
    const [adaUser, bobUser] = await Promise.all([addUser(cloud, 'ada'), addUser(cloud, 'bob')]);
    ada = new AmplifyUser(cloud.outputs, await caPemOf(cloud));
    await ada.signIn(adaUser.email, adaUser.password);
    const { idToken } = await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, bobUser.email, bobUser.password);
    bob = new WebSocket(`${cloud.webSocket?.url}?token=${idToken}`);
    bob.on('message', (data) => bobFrames.push(JSON.parse(String(data)) as Frame));
    await once(bob, 'open');
  });

  afterAll(async () => {
    bob?.terminate();
    await ada?.close();
    await cloud?.stop();
  });

  it('delivers each side’s message to the other, in real time, and stores each once', async () => {
    const { data } = await ada.graphql<{ createRoom: { id: string } }>(CREATE_ROOM, {
      input: { name: 'both worlds', visibility: 'PUBLIC' },
    });
    const roomId = data.createRoom.id;
    bob.send(JSON.stringify({ action: 'joinroom', roomId, requestId: 'join' }));
    await bobReceives((f) => f.type === 'joined');
    const adaEvents = await ada.subscribe('room', ON_MESSAGE, { roomId });
    expect(adaEvents.errors).toEqual([]);

    // Raw WebSocket → GraphQL subscriber (through the bridge's IAM mutation on AppSync).
    bob.send(JSON.stringify({ action: 'sendmessage', roomId, message: 'from the raw socket', clientMessageId: 'raw-1' }));
    await ada.waitFor(() => adaEvents.next.length > 0, 10_000, 'Ada to receive Bob’s message');
    expect(adaEvents.next[0]).toMatchObject({ data: { onMessage: { roomId, body: 'from the raw socket' } } });

    // GraphQL mutation → raw WebSocket client (through the table's stream and @connections).
    await ada.graphql(SEND_MESSAGE, { input: { roomId, body: 'from the GraphQL app', clientMessageId: 'gql-1' } });
    const pushed = await bobReceives(
      (f) => f.type === 'message' && (f.message as { body?: string }).body === 'from the GraphQL app',
    );
    expect(pushed.message).toMatchObject({ roomId, body: 'from the GraphQL app' });

    // Stored once each: the room's history holds exactly these two messages.
    const history = await ada.graphql<{ messages: { items: { body: string }[] } }>(MESSAGES, { roomId });
    expect(history.data.messages.items.map((m) => m.body).sort()).toEqual(['from the GraphQL app', 'from the raw socket']);
    // And Bob's socket got the GraphQL message exactly once, not once per stream record or retry.
    await cloud.streamPollers[0]?.drain();
    expect(bobFrames.filter((f) => f.type === 'message' && (f.message as { body?: string }).body === 'from the GraphQL app')).toHaveLength(1);
  });
});
