/**
 * One local cloud and a few signed-in aws-amplify users for a chat test file, with helpers that make the
 * allowed-and-refused assertions short.
 */
import type { LocalCloud } from '../../local/cloud.js';
import { AmplifyUser, type SubscriptionEvents } from './amplify-user.js';
import { addUser, caPemOf, startChatCloud } from './cloud.js';

/** A GraphQL error as Amplify hands it over. */
export interface GraphqlError {
  readonly errorType?: string;
  readonly message: string;
}

/** A signed-in user: their id (Cognito sub) and their own Amplify client. */
export class ChatUser {
  constructor(readonly name: string, readonly id: string, private readonly amplify: AmplifyUser) {}

  /** Runs an operation that must succeed; returns its data. */
  async run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return (await this.amplify.graphql<T>(query, variables)).data;
  }

  /** Runs an operation that must fail; returns its first error. */
  async refused(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlError> {
    const outcome = await this.amplify.graphql(query, variables).then(
      (result) => ({ ok: true as const, result }),
      (rejection: { errors?: GraphqlError[] }) => ({ ok: false as const, rejection }),
    );
    if (outcome.ok) throw new Error(`${this.name}'s operation succeeded: ${JSON.stringify(outcome.result)}`);
    const error = outcome.rejection.errors?.[0];
    if (!error)
      throw new Error(`${this.name}'s operation failed without GraphQL errors: ${JSON.stringify(outcome.rejection)}`);
    return error;
  }

  subscribe(name: string, query: string, variables?: Record<string, unknown>): Promise<SubscriptionEvents> {
    return this.amplify.subscribe(name, query, variables);
  }

  /** Waits until the subscription got `count` events; returns their data (the subscription field's value). */
  async events<T>(
    events: SubscriptionEvents,
    field: string,
    count: number,
    what = `${count} ${field} events`,
  ): Promise<T[]> {
    await this.amplify.waitFor(
      () => events.next.length >= count || events.errors.length > 0,
      10_000,
      `${this.name}: ${what}`,
    );
    if (events.errors.length > 0) throw new Error(`${this.name}'s ${field} failed: ${JSON.stringify(events.errors)}`);
    return events.next.map((event) => (event as { data: Record<string, T> }).data[field] as T);
  }

  close(): Promise<void> {
    return this.amplify.close();
  }
}

export interface ChatSession<Name extends string> {
  readonly cloud: LocalCloud;
  readonly users: Record<Name, ChatUser>;
  stop(): Promise<void>;
}

/**
 * Starts a cloud and signs in one user per name, in parallel.
 *
 * @example
 * ```ts
 * const session = await startChatSession(['owner', 'member']);
 * const { owner } = session.users;
 * await owner.run(CREATE_ROOM, { input: { name: 'general', visibility: 'PUBLIC' } });
 * await session.stop();
 * ```
 */
export async function startChatSession<Name extends string>(names: readonly Name[]): Promise<ChatSession<Name>> {
  const cloud = await startChatCloud();
  const caPem = await caPemOf(cloud);
  const signedIn = await Promise.all(
    names.map(async (name) => {
      const amplify = new AmplifyUser(cloud.outputs, caPem);
      const { email, password, sub } = await addUser(cloud, name);
      const result = (await amplify.signIn(email, password)) as { isSignedIn?: boolean };
      if (!result.isSignedIn) throw new Error(`${name} could not sign in: ${JSON.stringify(result)}`);
      return new ChatUser(name, sub, amplify);
    }),
  );
  const users = Object.fromEntries(signedIn.map((user) => [user.name, user])) as Record<Name, ChatUser>;
  return {
    cloud,
    users,
    async stop() {
      await Promise.all(signedIn.map((user) => user.close()));
      await cloud.stop();
    },
  };
}
