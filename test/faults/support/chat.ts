/**
 * The whole chat app on the local cloud for fault tests, and small clients that record what they see: users
 * posting over GraphQL with their Cognito token, raw WebSocket connections logging every frame, and the figures
 * each test prints.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { WebSocket } from 'ws';
import { connectChat, type ChatClient, type ChatMessage } from '../../../clients/ws/index.js';
import type { ConnectionsThrottleOptions } from '../../../local/apigateway-websocket/index.js';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud.js';
import { signIn } from '../../../local/cognito/index.js';
import { createDynamoDbClient } from '../../../local/dynamodb/index.js';
import type { LambdaFunctionDefinition } from '../../../local/lambda/description.js';
import type { LocalLogger } from '../../../local/logging/logger.js';
import { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../../../lambdas/app.js';
import { chatApi, chatTable } from '../../../resolvers/api.js';
import { CREATE_ROOM, SEND_MESSAGE } from '../../support/chat-documents.js';
import { addUser, ROOT_DIR } from '../../support/cloud.js';

/**
 * Starting the whole cloud (DynamoDB Local, cognito-local, bundling every function) takes seconds alone, but
 * minutes on a 2-core machine running other suites at once.
 */
export const CLOUD_START_TIMEOUT_MS = 180_000;

export interface FaultCloud extends LocalCloud {
  /** Everything the stream pollers handed to `onStreamError`: failed invocations, retried reads, discards. */
  readonly streamErrors: readonly unknown[];
  readonly lambdaLog: readonly string[];
  /** How many `@connections` requests the gateway answered with each status, from its request log. */
  readonly connectionsAnswers: ReadonlyMap<number, number>;
}

export interface FaultCloudOptions {
  /** Keep DynamoDB's data on disk there (so a restarted DynamoDB Local has it back). */
  readonly stateDir?: string;
  /** Changes to the app's function definitions (a shorter timeout, another `@connections` endpoint). */
  readonly adjustFunction?: (definition: LambdaFunctionDefinition) => LambdaFunctionDefinition;
  /** The gateway's `@connections` throttle. @default none */
  readonly connectionsThrottle?: ConnectionsThrottleOptions;
}

/** The app as `npm start` runs it: GraphQL, the raw WebSocket API, its Lambdas in worker threads, the streams. */
export async function startFaultCloud(options: FaultCloudOptions = {}): Promise<FaultCloud> {
  const streamErrors: unknown[] = [];
  const lambdaLog: string[] = [];
  const connectionsAnswers = new Map<number, number>();
  const adjust = options.adjustFunction ?? ((definition) => definition);
  const cloud = await startLocalCloud({
    api: chatApi,
    functions: chatFunctions.map(adjust),
    webSocketApi: chatWebSocketApi,
    streamConsumers: chatStreamConsumers,
    rootDir: ROOT_DIR,
    stateDir: options.stateDir,
    lambdaLog: (functionName, line) => lambdaLog.push(`${functionName}: ${line}`),
    onStreamError: (error) => streamErrors.push(error),
    connectionsThrottle: options.connectionsThrottle,
    logger: connectionsAnswerCounter(connectionsAnswers),
  });
  return Object.assign(cloud, { streamErrors, lambdaLog, connectionsAnswers });
}

/** A logger that only counts the statuses of the gateway's `@connections` request lines. */
function connectionsAnswerCounter(counts: Map<number, number>): LocalLogger {
  const ignore = () => undefined;
  const logger: LocalLogger = {
    debug: ignore,
    info: (fields) => {
      const { path, status } = fields as { path?: unknown; status?: unknown };
      if (typeof path === 'string' && path.includes('@connections') && typeof status === 'number') {
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    },
    warn: ignore,
    error: ignore,
    isLevelEnabled: () => false,
    child: () => logger,
  };
  return logger;
}

/** The push consumer's poller (the first stream consumer of the app). */
export function pushPoller(cloud: LocalCloud) {
  const index = chatStreamConsumers.findIndex((consumer) => consumer.function === 'chatStreamPush');
  const poller = cloud.streamPollers[index];
  if (poller === undefined) throw new Error('the cloud runs no chatStreamPush consumer');
  return poller;
}

export interface SignedInUser {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly sub: string;
  readonly idToken: string;
}

export async function signedInUser(cloud: LocalCloud, name: string): Promise<SignedInUser> {
  const { email, password, sub } = await addUser(cloud, name);
  const { idToken } = await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, email, password);
  return { name, email, password, sub, idToken };
}

export interface GraphqlAnswer<T> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: readonly {
    readonly message: string;
    readonly errorType?: string;
  }[];
}

/** One GraphQL request over HTTP with the user's ID token; rejects only if no answer comes within `timeoutMs`. */
export async function graphqlAs<T>(
  cloud: LocalCloud,
  user: SignedInUser,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs = 15_000,
): Promise<GraphqlAnswer<T>> {
  const response = await fetch(cloud.appsync.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: user.idToken,
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as Omit<GraphqlAnswer<T>, 'status'>;
  return { status: response.status, ...body };
}

export type Frame = { readonly type: string } & Record<string, unknown>;

/** A raw WebSocket connection that logs every frame it receives. */
export interface RawConnection {
  readonly socket: WebSocket;
  readonly frames: Frame[];
  /** The first frame (after `from`) that matches, waiting up to `timeoutMs`. */
  waitFor(matches: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Ids of the messages pushed to this connection, in order of arrival, repeats included. */
  pushedMessageIds(roomId: string): string[];
}

export async function openRawConnection(cloud: LocalCloud, user: SignedInUser): Promise<RawConnection> {
  const socket = new WebSocket(`${cloud.webSocket?.url}?token=${user.idToken}`);
  const frames: Frame[] = [];
  const wakers = new Set<() => void>();
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    for (const wake of wakers) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    waitFor: (matches, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const frame = frames.find(matches);
          if (frame === undefined) return;
          clearTimeout(timer);
          wakers.delete(check);
          resolve(frame);
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(
            new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`),
          );
        }, timeoutMs);
        wakers.add(check);
        check();
      }),
    pushedMessageIds: (roomId) =>
      frames.flatMap((frame) => {
        const message = frame.message as { id?: string; roomId?: string } | undefined;
        return frame.type === 'message' && message?.roomId === roomId && message.id !== undefined ? [message.id] : [];
      }),
  };
}

/**
 * A public room of Ada's, watched over both raw-WebSocket paths: Bob through the client library (`clients/ws`),
 * Carol through a bare connection that logs every frame.
 */
export interface WatchedRoom {
  readonly roomId: string;
  readonly ada: SignedInUser;
  readonly bobUser: SignedInUser;
  readonly bob: ChatClient;
  /** What Bob's client library handed its listeners, in order. */
  readonly bobMessages: readonly ChatMessage[];
  readonly carol: RawConnection;
  /** Ada posts `count` messages over GraphQL, one after another; resolves with their ids in posting order. */
  post(label: string, count: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function watchedRoom(cloud: LocalCloud, name: string): Promise<WatchedRoom> {
  const [ada, bobUser, carolUser] = (await Promise.all(['ada', 'bob', 'carol'].map((user) => signedInUser(cloud, user)))) as [
    SignedInUser,
    SignedInUser,
    SignedInUser,
  ];
  const created = await graphqlAs<{ createRoom: { id: string } }>(cloud, ada, CREATE_ROOM, {
    input: { name, visibility: 'PUBLIC' },
  });
  const roomId = created.data?.createRoom.id ?? '';
  const bob = await connectChat({ url: cloud.webSocket?.url ?? '', token: bobUser.idToken, WebSocket });
  const bobMessages: ChatMessage[] = [];
  bob.on('message', (message) => bobMessages.push(message));
  await bob.join(roomId);
  const carol = await openRawConnection(cloud, carolUser);
  carol.socket.send(JSON.stringify({ action: 'joinroom', roomId, requestId: 'join' }));
  await carol.waitFor((frame) => frame.type === 'joined');
  return {
    roomId,
    ada,
    bobUser,
    bob,
    bobMessages,
    carol,
    async post(label, count) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const answer = await graphqlAs<{ sendMessage: { id: string } }>(cloud, ada, SEND_MESSAGE, {
          input: { roomId, body: `${label} ${i}`, clientMessageId: `${label}-${i}` },
        });
        if (answer.errors !== undefined || !answer.data) throw new Error(`sendMessage failed: ${JSON.stringify(answer.errors)}`);
        ids.push(answer.data.sendMessage.id);
      }
      return ids;
    },
    async close() {
      carol.socket.terminate();
      await bob.close();
    },
  };
}

/** Ids of the room's messages as stored in the chat table, read by key (consistent reads). */
export async function storedMessageIds(cloud: LocalCloud, roomId: string): Promise<Set<string>> {
  const client = createDynamoDbClient(cloud.dynamodbEndpoint);
  const ids = new Set<string>();
  try {
    let exclusiveStartKey: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: chatTable.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
          ExpressionAttributeValues: {
            ':pk': { S: `ROOM#${roomId}` },
            ':msg': { S: 'MSG#' },
          },
          ConsistentRead: true,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) ids.add(String(unmarshall(item).id));
      exclusiveStartKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (exclusiveStartKey !== undefined);
  } finally {
    client.destroy();
  }
  return ids;
}

/** Each id once, at its first arrival. */
export function firstArrivals(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** Prints a test's figures on one line, so the run's output shows what was injected and what came through. */
export function printFigures(test: string, figures: Record<string, number | string>): void {
  const text = Object.entries(figures)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(`[faults] ${test}: ${text}\n`);
}
