/**
 * DynamoDB Local killed (SIGKILL) while clients post through GraphQL and the raw WebSocket API, then restarted on
 * its data: while it is down every send gets a clear error in its protocol's format within a bounded time; the
 * local AppSync, gateway, Lambdas and stream pollers carry on by themselves once it is back; and every acknowledged
 * message is in the table and reaches GraphQL subscribers and raw clients (after their catch-up).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ChatRequestError, connectChat, type ChatClient, type ChatMessage } from '../../clients/ws/index.js';
import { BatchDiscardedError, FunctionBatchError, StreamReadError } from '../../local/dynamodb-streams/index.js';
import { AmplifyUser, type SubscriptionEvents } from '../support/amplify-user.js';
import { CREATE_ROOM, ON_MESSAGE, SEND_MESSAGE } from '../support/chat-documents.js';
import { caPemOf } from '../support/cloud.js';
import {
  CLOUD_START_TIMEOUT_MS,
  graphqlAs,
  printFigures,
  pushPoller,
  signedInUser,
  startFaultCloud,
  storedMessageIds,
  type FaultCloud,
  type SignedInUser,
} from './support/chat.js';

/** A send refused while DynamoDB was down, as its client saw it. */
interface RefusedSend {
  readonly protocol: 'graphql' | 'websocket';
  /** GraphQL `errors[0].errorType`, or the raw `error` frame's type. */
  readonly errorType: string;
  readonly ms: number;
  /** What came with it, for the failure message. */
  readonly message?: string;
}

/** No send may wait longer than this for its answer, DynamoDB down or not. */
const ANSWER_BOUND_MS = 25_000;

describe('DynamoDB Local killed mid-run and restarted', () => {
  let stateDir: string;
  let cloud: FaultCloud;
  let ada: SignedInUser;
  let carol: ChatClient;
  let bob: ChatClient;
  const bobSockets: WebSocket[] = [];
  const bobMessages: ChatMessage[] = [];
  let watcher: AmplifyUser;
  let watched: SubscriptionEvents;
  let roomId: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'wavechat-faults-'));
    cloud = await startFaultCloud({ stateDir });
    const [adaUser, bobUser, carolUser, danUser] = (await Promise.all(
      ['ada', 'bob', 'carol', 'dan'].map((name) => signedInUser(cloud, name)),
    )) as [SignedInUser, SignedInUser, SignedInUser, SignedInUser];
    ada = adaUser;
    const created = await graphqlAs<{ createRoom: { id: string } }>(cloud, ada, CREATE_ROOM, {
      input: { name: 'restart', visibility: 'PUBLIC' },
    });
    roomId = created.data?.createRoom.id ?? '';

    const url = cloud.webSocket?.url ?? '';
    carol = await connectChat({
      url,
      token: carolUser.idToken,
      WebSocket,
      requestTimeoutMs: ANSWER_BOUND_MS,
    });
    await carol.join(roomId);
    // Bob's sockets are kept so that the test can cut his connection, as a network drop would.
    class TrackedWebSocket extends WebSocket {
      constructor(address: string, protocols: string[]) {
        super(address, protocols);
        bobSockets.push(this);
      }
    }
    bob = await connectChat({
      url,
      token: bobUser.idToken,
      WebSocket: TrackedWebSocket,
      reconnect: { initialDelayMs: 50 },
    });
    bob.on('message', (message) => bobMessages.push(message));
    await bob.join(roomId);

    // Dan watches the room over AppSync's real-time protocol with an unmodified aws-amplify app.
    const joined = await graphqlAs(
      cloud,
      danUser,
      'mutation Join($roomId: ID!) { joinRoom(roomId: $roomId) { roomId } }',
      {
        roomId,
      },
    );
    expect(joined.errors).toBeUndefined();
    watcher = new AmplifyUser(cloud.outputs, await caPemOf(cloud));
    await watcher.signIn(danUser.email, danUser.password);
    watched = await watcher.subscribe('room', ON_MESSAGE, { roomId });
  }, CLOUD_START_TIMEOUT_MS);

  afterAll(async () => {
    await bob?.close();
    await carol?.close();
    await watcher?.close();
    await cloud?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('refuses sends clearly while down, resumes by itself, and loses nothing acknowledged', async () => {
    const acknowledged = { graphql: [] as string[], websocket: [] as string[] };
    const refused: RefusedSend[] = [];
    let killedAt = Infinity;
    let restartedAt = Infinity;
    let sending = true;

    const sendOverGraphql = async () => {
      for (let i = 0; sending; i++) {
        const started = performance.now();
        const answer = await graphqlAs<{ sendMessage: { id: string } | null }>(
          cloud,
          ada,
          SEND_MESSAGE,
          {
            input: {
              roomId,
              body: `graphql ${i}`,
              clientMessageId: `graphql-${i}`,
            },
          },
          ANSWER_BOUND_MS,
        ).catch((error: unknown) => ({ noAnswer: error as Error }));
        const ms = performance.now() - started;
        if ('noAnswer' in answer) {
          // No HTTP answer at all (a timeout, a dropped connection) fails the test below.
          refused.push({
            protocol: 'graphql',
            errorType: `NoAnswer: ${answer.noAnswer.name}`,
            ms,
          });
          continue;
        }
        const id = answer.data?.sendMessage?.id;
        if (id !== undefined && answer.errors === undefined) acknowledged.graphql.push(id);
        else {
          const error = answer.errors?.[0];
          const message = `${answer.status} ${error?.message}`;
          refused.push({ protocol: 'graphql', errorType: error?.errorType ?? '', ms, message });
        }
        await delay(20); // a user's pace, not a tight loop against a dead database
      }
    };
    const sendOverWebSocket = async () => {
      for (let i = 0; sending; i++) {
        const started = performance.now();
        try {
          const message = await carol.send(roomId, `websocket ${i}`, {
            clientMessageId: `websocket-${i}`,
          });
          acknowledged.websocket.push(message.id);
        } catch (error) {
          // Anything but an error frame (a timeout, a lost connection) fails the test below.
          const errorType = error instanceof ChatRequestError ? error.type : `${(error as Error).name}`;
          refused.push({
            protocol: 'websocket',
            errorType,
            ms: performance.now() - started,
          });
        }
        await delay(20);
      }
    };
    const senders = Promise.all([sendOverGraphql(), sendOverWebSocket()]);
    const waitUntil = (what: string, condition: () => boolean, timeout: number) =>
      vi.waitFor(
        () => {
          if (condition()) return;
          const state = {
            acknowledged: {
              graphql: acknowledged.graphql.length,
              websocket: acknowledged.websocket.length,
            },
            refused: refused.length,
            lastRefused: refused.slice(-3),
          };
          throw new Error(`waiting for ${what}: ${JSON.stringify(state)}`);
        },
        { timeout, interval: 20 },
      );

    try {
      await waitUntil(
        'sends before the kill',
        () => acknowledged.graphql.length >= 3 && acknowledged.websocket.length >= 1,
        60_000,
      );
      const before = {
        graphql: acknowledged.graphql.length,
        websocket: acknowledged.websocket.length,
      };
      const dynamoDb = cloud.dynamodb;
      const oldPid = dynamoDb.pid;
      killedAt = performance.now();
      process.kill(oldPid, 'SIGKILL');
      expect(await dynamoDb.exited).toMatchObject({ signal: 'SIGKILL' });
      await waitUntil(
        'refusals over both protocols',
        () => refused.some((r) => r.protocol === 'graphql') && refused.some((r) => r.protocol === 'websocket'),
        ANSWER_BOUND_MS * 2,
      );
      const refusedWhileDown = refused.length;
      await dynamoDb.restart();
      restartedAt = performance.now();
      expect(dynamoDb.pid).not.toBe(oldPid);
      expect(dynamoDb.endpoint).toBe(cloud.dynamodbEndpoint);
      const afterRestart = {
        graphql: acknowledged.graphql.length,
        websocket: acknowledged.websocket.length,
      };
      await waitUntil(
        'sends after the restart',
        () =>
          acknowledged.graphql.length >= afterRestart.graphql + 3 &&
          acknowledged.websocket.length >= afterRestart.websocket + 1,
        60_000,
      );
      sending = false;
      await senders;

      // Refusals: each answered in its protocol's format, with its type, within the bound — a raw `error` frame;
      // a GraphQL answer whose `errors[]` carries an errorType and no internal address.
      for (const refusal of refused) {
        const what = JSON.stringify(refusal);
        expect(refusal.errorType, what).not.toMatch(/NoAnswer|Timeout|Lost|Closed/);
        expect(refusal.errorType, what).not.toBe('');
        expect(refusal.ms, what).toBeLessThan(ANSWER_BOUND_MS);
        if (refusal.protocol === 'graphql') {
          expect(refusal.message, what).toMatch(/^200 \S/);
          expect(refusal.message, what).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
        }
      }

      // Stored: every acknowledged message is in the table.
      const all = [...acknowledged.graphql, ...acknowledged.websocket];
      const stored = await storedMessageIds(cloud, roomId);
      expect(all.filter((id) => !stored.has(id))).toEqual([]);

      // The stream poller resumed by itself: it reports the outage and then drains.
      await pushPoller(cloud).drain(60_000);
      expect(cloud.streamErrors.some((error) => error instanceof StreamReadError)).toBe(true);

      // GraphQL subscribers got every acknowledged message (AppSync publishes on each successful mutation).
      await watcher.waitFor(
        () => all.every((id) => watched.next.some((event) => JSON.stringify(event).includes(id))),
        20_000,
        'every acknowledged message on the subscription',
      );
      // Raw clients: pushes that failed while DynamoDB was down were retried; a client that still missed some
      // catches up when it reconnects. Cut Bob's connection and let his client heal itself.
      const pushedBeforeCatchUp = new Set(bobMessages.map((message) => message.id));
      bobSockets.at(-1)?.terminate();
      await waitUntil(
        'Bob’s catch-up',
        () => all.every((id) => bobMessages.some((message) => message.id === id)),
        30_000,
      );
      const bobIds = bobMessages.map((message) => message.id);
      expect(new Set(bobIds).size).toBe(bobIds.length); // each message once
      // Carol's own client saw every message too, its own included.
      const errors = cloud.streamErrors;
      printFigures('DynamoDB Local SIGKILL + restart', {
        faultsInjected: 1,
        downMs: Math.round(restartedAt - killedAt),
        sent: all.length + refused.length,
        acknowledged: all.length,
        acknowledgedBeforeKill: before.graphql + before.websocket,
        refusedWhileDown: refusedWhileDown,
        refused: refused.length,
        refusedErrorTypes: [...new Set(refused.map((r) => `${r.protocol}:${r.errorType}`))].join(','),
        slowestRefusalMs: Math.round(Math.max(...refused.map((r) => r.ms))),
        stored: all.filter((id) => stored.has(id)).length,
        storedInRoom: stored.size,
        deliveredToGraphqlSubscriber: all.filter((id) => watched.next.some((e) => JSON.stringify(e).includes(id)))
          .length,
        pushedToRawBeforeCatchUp: all.filter((id) => pushedBeforeCatchUp.has(id)).length,
        deliveredToRawAfterCatchUp: all.filter((id) => bobIds.includes(id)).length,
        streamReadErrors: errors.filter((error) => error instanceof StreamReadError).length,
        failedInvocations: errors.filter((error) => error instanceof FunctionBatchError).length,
        discardedBatches: errors.filter((error) => error instanceof BatchDiscardedError).length,
      });
    } finally {
      sending = false;
      await senders.catch(() => undefined);
    }
  }, 240_000);
});
