/** Starts the chat API's local cloud for a test file, with fresh in-memory state. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../../lambdas/app.js';
import { chatApi } from '../../resolvers/api.js';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.js';
import { createUser } from '../../local/cognito/index.js';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function startChatCloud(): Promise<LocalCloud> {
  return startLocalCloud({ api: chatApi, rootDir: ROOT_DIR });
}

/**
 * The whole app as `npm start` runs it: the GraphQL API plus the raw WebSocket API, its Lambdas and the stream
 * consumers. Lambda log lines are kept in `lambdaLog` instead of cluttering the test output.
 */
export async function startFullChatCloud(): Promise<LocalCloud & { readonly lambdaLog: readonly string[] }> {
  const lambdaLog: string[] = [];
  const cloud = await startLocalCloud({
    api: chatApi,
    functions: chatFunctions,
    webSocketApi: chatWebSocketApi,
    streamConsumers: chatStreamConsumers,
    rootDir: ROOT_DIR,
    lambdaLog: (functionName, line) => lambdaLog.push(`${functionName}: ${line}`),
  });
  return Object.assign(cloud, { lambdaLog });
}

/** A confirmed user of the cloud's pool; the password satisfies Cognito's default policy. `sub` is the user id. */
export async function addUser(cloud: LocalCloud, name: string): Promise<{ email: string; password: string; sub: string }> {
  const email = `${name}@example.com`;
  const password = `Passw0rd!${name}`;
  const { sub } = await createUser(cloud.cognitoEndpoint, cloud.userPool, { email, password });
  return { email, password, sub };
}

export async function caPemOf(cloud: LocalCloud): Promise<string> {
  return readFile(cloud.appsync.caFile, 'utf8');
}
