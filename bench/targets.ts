/**
 * How the benchmark drives each target: the publisher, the subscriber setup and the registration check; and, for
 * the local cloud, the users, the room and their memberships.
 */
import http from 'node:http';
import { createUser, signIn } from '../local/cognito/index.js';
import { CREATE_ROOM, JOIN_ROOM, ON_MESSAGE, SEND_MESSAGE } from './documents.js';
import type { SubscriberProtocol, SubscriberSetup, TargetEndpoints } from './ipc.js';
import type { Publisher } from './measure.js';

export const ROOM_ID = 'bench-room';

/**
 * Keep-alive connections for the publisher. node:http rather than fetch: on this loopback, fetch (undici) added
 * ~20 ms per request, which would have made the publisher the bottleneck of every fan-out.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) reject(new Error(`POST ${url}: ${response.statusCode} ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Runs a GraphQL operation and returns its data; GraphQL errors throw. */
async function graphql<T>(url: string, query: string, variables: Record<string, unknown>, headers?: Record<string, string>): Promise<T> {
  const answer = (await postJson(url, { query, variables }, headers)) as { data?: T; errors?: unknown[] };
  if (answer.errors?.length || !answer.data) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors).slice(0, 500)}`);
  return answer.data;
}

/** The bare baseline's publisher: `POST /publish`. */
export function barePublisher(endpoints: TargetEndpoints): Publisher {
  return async (body) => {
    await postJson(endpoints.publishUrl, { roomId: ROOM_ID, body });
  };
}

/** A GraphQL sendMessage publisher (the local cloud with a user's token, or the graphql-ws baseline). */
export function graphqlPublisher(url: string, roomId: string, token?: string): Publisher {
  const headers: Record<string, string> = token ? { authorization: token } : {};
  return async (body) => {
    await graphql(url, SEND_MESSAGE, { input: { roomId, body } }, headers);
  };
}

export function subscriberSetup(
  protocol: SubscriberProtocol,
  url: string,
  roomId: string,
  tokens: readonly string[] = [],
): SubscriberSetup {
  return { protocol, url, roomId, tokens, host: new URL(url).host, query: ON_MESSAGE };
}

/** For the baselines: resolves once their /stats count `count` subscriptions. */
export function statsRegistration(endpoints: TargetEndpoints): (count: number) => Promise<void> {
  return async (count) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(endpoints.statsUrl!);
      const { subscriptions } = (await response.json()) as { subscriptions: number };
      if (subscriptions >= count) return;
      if (Date.now() > deadline) throw new Error(`only ${subscriptions} of ${count} subscriptions registered`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
}

export interface LocalRoom {
  readonly roomId: string;
  /** ID tokens of the room's members; the first is the owner's, who also sends. */
  readonly tokens: readonly string[];
  /** Milliseconds per user to create in cognito-local and sign in (parallel, 4 at a time). */
  readonly msPerUser: number;
}

/**
 * Creates `users` users in cognito-local, signs them in, and makes them members of one new public room. Subscribers
 * share these users: AppSync allows many connections and subscriptions per user.
 */
export async function prepareLocalRoom(endpoints: TargetEndpoints, users: number): Promise<LocalRoom> {
  const cognito = endpoints.cognito!;
  const started = Date.now();
  const tokens: string[] = new Array<string>(users);
  let next = 0;
  const worker = async () => {
    while (next < users) {
      const index = next++;
      const email = `bench-${index}@example.com`;
      const password = `Passw0rd!bench${index}`;
      await createUser(cognito.endpoint, cognito, { email, password });
      tokens[index] = (await signIn(cognito.endpoint, cognito.userPoolClientId, email, password)).idToken;
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, users) }, worker));
  const msPerUser = (Date.now() - started) / users;
  const owner = tokens[0]!;
  const { createRoom } = await graphql<{ createRoom: { id: string } }>(
    endpoints.publishUrl,
    CREATE_ROOM,
    { input: { name: 'bench', visibility: 'PUBLIC' } },
    { authorization: owner },
  );
  for (const token of tokens.slice(1)) {
    await graphql(endpoints.publishUrl, JOIN_ROOM, { roomId: createRoom.id }, { authorization: token });
  }
  return { roomId: createRoom.id, tokens, msPerUser };
}
