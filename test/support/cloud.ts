/** Starts the chat API's local cloud for a test file, with fresh in-memory state. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { chatApi } from '../../resolvers/api.js';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.js';
import { createUser } from '../../local/cognito/index.js';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function startChatCloud(): Promise<LocalCloud> {
  return startLocalCloud({ api: chatApi, rootDir: ROOT_DIR });
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
