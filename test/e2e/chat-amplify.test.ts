/**
 * The first slice of the chat API through unmodified aws-amplify v6: Cognito sign-in against cognito-local,
 * queries and mutations over HTTP, subscriptions over the real-time socket (wss:// with the local CA).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.js';
import { AmplifyUser } from '../support/amplify-user.js';
import { addUser, caPemOf, startChatCloud } from '../support/cloud.js';

const CREATE_ROOM = /* GraphQL */ `
  mutation CreateRoom($input: CreateRoomInput!) {
    createRoom(input: $input) { id name visibility createdBy createdAt }
  }`;
const JOIN_ROOM = /* GraphQL */ `
  mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { roomId userId role joinedAt } }`;
const SEND = /* GraphQL */ `
  mutation Send($input: SendMessageInput!) {
    sendMessage(input: $input) { id roomId authorId body clientMessageId createdAt }
  }`;
const MESSAGES = /* GraphQL */ `
  query Messages($roomId: ID!, $limit: Int, $nextToken: String) {
    messages(roomId: $roomId, limit: $limit, nextToken: $nextToken) { items { id body authorId } nextToken }
  }`;
const ON_MESSAGE = /* GraphQL */ `
  subscription OnMessage($roomId: ID!) { onMessage(roomId: $roomId) { id roomId authorId body createdAt } }`;

interface Rejection {
  errors: { errorType?: string; message: string }[];
}

describe('chat through aws-amplify v6', () => {
  let cloud: LocalCloud;
  let alice: AmplifyUser;
  let bob: AmplifyUser;
  let carol: AmplifyUser;
  let roomId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    cloud = await startChatCloud();
    const caPem = await caPemOf(cloud);
    [alice, bob, carol] = ['alice', 'bob', 'carol'].map(() => new AmplifyUser(cloud.outputs, caPem)) as [
      AmplifyUser,
      AmplifyUser,
      AmplifyUser,
    ];
    await Promise.all(
      (
        [
          ['alice', alice],
          ['bob', bob],
          ['carol', carol],
        ] as const
      ).map(async ([name, user]) => {
        const { email, password } = await addUser(cloud, name);
        const result = (await user.signIn(email, password)) as { isSignedIn: boolean };
        expect(result.isSignedIn).toBe(true);
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([alice, bob, carol].filter(Boolean).map((u) => u.close()));
    await cloud?.stop();
  });

  it('lets A create a public room and B join it', async () => {
    const created = await alice.graphql<{ createRoom: { id: string; name: string; visibility: string; createdBy: string } }>(
      CREATE_ROOM,
      { input: { name: 'general', visibility: 'PUBLIC' } },
    );
    roomId = created.data.createRoom.id;
    ids.alice = created.data.createRoom.createdBy;
    expect(created.data.createRoom).toMatchObject({ name: 'general', visibility: 'PUBLIC' });

    const joined = await bob.graphql<{ joinRoom: { roomId: string; userId: string; role: string } }>(JOIN_ROOM, { roomId });
    expect(joined.data.joinRoom).toMatchObject({ roomId, role: 'MEMBER' });
    ids.bob = joined.data.joinRoom.userId;
    expect(ids.bob).not.toBe(ids.alice);
  });

  it('delivers A’s message to B’s subscription over the real-time socket', async () => {
    const events = await bob.subscribe('bob-general', ON_MESSAGE, { roomId });
    expect(events.errors).toEqual([]);

    const sent = await alice.graphql<{ sendMessage: { id: string; authorId: string; body: string } }>(SEND, {
      input: { roomId, body: 'hello from alice', clientMessageId: 'c-1' },
    });
    expect(sent.data.sendMessage.authorId).toBe(ids.alice);

    await bob.waitFor(() => events.next.length > 0, 10_000, 'B to receive the message');
    expect(events.next[0]).toEqual({
      data: {
        onMessage: {
          id: sent.data.sendMessage.id,
          roomId,
          authorId: ids.alice,
          body: 'hello from alice',
          createdAt: expect.any(String),
        },
      },
    });
  });

  it('refuses C, who has not joined, on subscribe and on read', async () => {
    const events = await carol.subscribe('carol-general', ON_MESSAGE, { roomId });
    expect(JSON.stringify(events.errors[0])).toContain('Unauthorized');
    expect(events.next).toEqual([]);

    const read = await carol.graphql(MESSAGES, { roomId }).then(
      () => null,
      (rejection: Rejection) => rejection,
    );
    expect(read?.errors[0]).toMatchObject({ errorType: 'Unauthorized', message: 'You are not a member of this room' });
  });

  it('lets nobody join a private room uninvited', async () => {
    const created = await alice.graphql<{ createRoom: { id: string } }>(CREATE_ROOM, {
      input: { name: 'secret', visibility: 'PRIVATE' },
    });
    const refused = await bob.graphql(JOIN_ROOM, { roomId: created.data.createRoom.id }).then(
      () => null,
      (rejection: Rejection) => rejection,
    );
    expect(refused?.errors[0]).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('stores one message for a repeated clientMessageId and returns it both times', async () => {
    const input = { roomId, body: 'exactly once', clientMessageId: 'c-twice' };
    const first = await alice.graphql<{ sendMessage: { id: string; createdAt: string } }>(SEND, { input });
    const second = await alice.graphql<{ sendMessage: { id: string; createdAt: string } }>(SEND, { input });
    expect(second.data.sendMessage).toEqual(first.data.sendMessage);

    const history = await bob.graphql<{ messages: { items: { id: string; body: string }[] } }>(MESSAGES, { roomId });
    expect(history.data.messages.items.filter((m) => m.body === 'exactly once')).toHaveLength(1);
    // Newest first.
    expect(history.data.messages.items.map((m) => m.body)).toEqual(['exactly once', 'hello from alice']);
  });
});
