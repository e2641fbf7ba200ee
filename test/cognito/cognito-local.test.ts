import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidPasswordException } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, PortInUseError, provisionUserPool, signIn, startCognitoLocal, type CognitoLocal } from '../../local/cognito/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function answersHealth(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/health`)).ok;
  } catch {
    return false;
  }
}

describe('cognito-local', () => {
  let dataDir: string;
  let cognito: CognitoLocal;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'wavechat-cognito-'));
    cognito = await startCognitoLocal({ dataDir });
  });

  afterAll(async () => {
    await cognito.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /health on 127.0.0.1 and keeps its state in dataDir/.cognito', async () => {
    expect(cognito.endpoint).toBe(`http://127.0.0.1:${cognito.port}`);
    expect(await answersHealth(cognito.endpoint)).toBe(true);
    await provisionUserPool(cognito.endpoint, { poolName: 'state-check', clientName: 'web' });
    expect(await readdir(path.join(dataDir, '.cognito', 'db'))).toContain('clients.json');
  });

  it('provisions idempotently: the same pool, client and groups the second time', async () => {
    const first = await provisionUserPool(cognito.endpoint, { poolName: 'wavechat', clientName: 'web', groups: ['admins'] });
    const second = await provisionUserPool(cognito.endpoint, { poolName: 'wavechat', clientName: 'web', groups: ['admins'] });
    expect(second).toEqual(first);
    expect(first.userPoolId).toMatch(/^local_\w+$/);
    expect(first.region).toBe('local');
    expect(first.issuer).toBe(`${cognito.endpoint}/${first.userPoolId}`);
    const jwks = (await (await fetch(first.jwksUri)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual(['CognitoLocal']);

    const otherClient = await provisionUserPool(cognito.endpoint, { poolName: 'wavechat', clientName: 'admin-console' });
    expect(otherClient.userPoolId).toBe(first.userPoolId);
    expect(otherClient.userPoolClientId).not.toBe(first.userPoolClientId);
  });

  it('creates confirmed users with groups, idempotently, and signs them in with USER_PASSWORD_AUTH', async () => {
    const pool = await provisionUserPool(cognito.endpoint, { poolName: 'users', clientName: 'web', groups: ['admins'] });
    const email = 'ada@example.com';
    const created = await createUser(cognito.endpoint, pool, { email, password: 'Passw0rd!', groups: ['admins', 'moderators'] });
    const again = await createUser(cognito.endpoint, pool, { email, password: 'N3wPassw0rd!', groups: ['admins'] });
    expect(again.sub).toBe(created.sub);

    const tokens = await signIn(cognito.endpoint, pool.userPoolClientId, email, 'N3wPassw0rd!');
    const idClaims = decodePayload(tokens.idToken);
    expect(idClaims).toMatchObject({
      sub: created.sub,
      email,
      email_verified: true,
      token_use: 'id',
      aud: pool.userPoolClientId,
      iss: pool.issuer,
      'cognito:groups': ['admins', 'moderators'],
    });
    expect(decodePayload(tokens.accessToken)).toMatchObject({ token_use: 'access', client_id: pool.userPoolClientId, sub: created.sub });
    expect(tokens.refreshToken.split('.')).toHaveLength(3);

    // The old password is gone (cognito-local says InvalidPasswordException where Cognito says NotAuthorizedException).
    await expect(signIn(cognito.endpoint, pool.userPoolClientId, email, 'Passw0rd!')).rejects.toBeInstanceOf(InvalidPasswordException);
  });

  it('keeps pools and users across a restart', async () => {
    const pool = await provisionUserPool(cognito.endpoint, { poolName: 'durable', clientName: 'web' });
    const { sub } = await createUser(cognito.endpoint, pool, { email: 'grace@example.com', password: 'Passw0rd!' });
    const port = cognito.port;
    await cognito.stop();
    expect(await answersHealth(`http://127.0.0.1:${port}`)).toBe(false);

    cognito = await startCognitoLocal({ port, dataDir });
    expect(await provisionUserPool(cognito.endpoint, { poolName: 'durable', clientName: 'web' })).toEqual(pool);
    const tokens = await signIn(cognito.endpoint, pool.userPoolClientId, 'grace@example.com', 'Passw0rd!');
    expect(decodePayload(tokens.idToken).sub).toBe(sub);
  });

  it('refuses a port that is already taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      await expect(startCognitoLocal({ port: address.port, dataDir })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      blocker.close();
    }
  });

  it('dies with the process that started it, even when that process is killed outright', async () => {
    const script = [
      "import { startCognitoLocal } from './local/cognito/server.ts';",
      `const cognito = await startCognitoLocal({ port: 0, dataDir: ${JSON.stringify(dataDir)} });`,
      'console.log(cognito.endpoint);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(parent.stdout, 'data')) as [Buffer];
    const endpoint = line.toString('utf8').trim();
    expect(await answersHealth(endpoint)).toBe(true);

    parent.kill('SIGKILL');
    await once(parent, 'exit');
    const deadline = Date.now() + 10_000;
    while ((await answersHealth(endpoint)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await answersHealth(endpoint)).toBe(false);
  });
});
