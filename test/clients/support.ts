/** A whole local cloud with the raw WebSocket side, and helpers to watch what a chat client receives. */
import { signIn } from '../../local/cognito/index.js';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.js';
import { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../../lambdas/app.js';
import { chatApi } from '../../resolvers/api.js';
import type { ChatClient, ChatMessage } from '../../clients/ws/index.js';
import { addUser, ROOT_DIR } from '../support/cloud.js';

export function startRawChatCloud(): Promise<LocalCloud> {
  return startLocalCloud({
    api: chatApi,
    functions: chatFunctions,
    webSocketApi: chatWebSocketApi,
    streamConsumers: chatStreamConsumers,
    rootDir: ROOT_DIR,
    lambdaLog: () => undefined,
  });
}

export interface TestUser {
  readonly email: string;
  readonly password: string;
  readonly sub: string;
  readonly accessToken: string;
}

export async function signedInUser(cloud: LocalCloud, name: string): Promise<TestUser> {
  const user = await addUser(cloud, name);
  const { accessToken } = await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, user.email, user.password);
  return { ...user, accessToken };
}

/** Every message event a client emits, and a way to wait for one. */
export interface MessageLog {
  readonly messages: ChatMessage[];
  /** The first logged message matching, waiting for it up to 10 s. */
  waitFor(matches: (message: ChatMessage) => boolean, what: string): Promise<ChatMessage>;
}

export function logMessages(client: ChatClient): MessageLog {
  const messages: ChatMessage[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (message) => {
    messages.push(message);
    for (const wake of waiters) wake();
  });
  return {
    messages,
    waitFor: (matches, what) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(matches);
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No message ${what} within 10 s; got ${JSON.stringify(messages.map((m) => m.body))}`));
        }, 10_000);
        waiters.add(check);
        check();
      }),
  };
}
