/**
 * Demo data for the local cloud's first minutes: two users whose passwords are printed, both members of the public
 * lobby. Idempotent: passwords are kept in the state directory and re-applied, the lobby is created if absent, and
 * joining twice returns the same membership.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalCloud } from '../../local/cloud.js';
import { createUser } from '../../local/cognito/index.js';
import { LOCAL_REGION } from '../../local/dynamodb/index.js';
import { AppSyncClient } from '../../lambdas/shared/appsync-client.js';
import { ChatApi } from '../../lambdas/shared/chat-api.js';
import { LOBBY } from '../../lambdas/shared/protocol.js';

export interface DemoUser {
  readonly email: string;
  readonly password: string;
}

const DEMO_EMAILS = ['alice@example.com', 'bob@example.com'] as const;

/**
 * @example
 * ```ts
 * const users = await seedDemoData(cloud, '.wavechat');
 * for (const u of users) console.log(u.email, u.password);
 * ```
 */
export async function seedDemoData(cloud: LocalCloud, stateDir: string): Promise<readonly DemoUser[]> {
  const file = path.join(stateDir, 'demo-users.json');
  const users = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as DemoUser[],
    () => DEMO_EMAILS.map((email) => ({ email, password: `Demo-${randomBytes(6).toString('base64url')}1` })),
  );
  await writeFile(file, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });

  const api = new ChatApi(
    new AppSyncClient({
      url: cloud.appsync.graphqlUrl,
      region: LOCAL_REGION,
      credentials: {
        accessKeyId: cloud.backendPrincipal.accessKeyId,
        secretAccessKey: cloud.backendPrincipal.secretAccessKey,
      },
    }),
  );
  const subs = await Promise.all(users.map(async (user) => (await createUser(cloud.cognitoEndpoint, cloud.userPool, user)).sub));
  const [first] = subs;
  if (first === undefined) return users;
  await api.ensurePublicRoom(first, LOBBY.id, LOBBY.name);
  await Promise.all(subs.map((sub) => api.joinRoom(sub, LOBBY.id)));
  return users;
}
