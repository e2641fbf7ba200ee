import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  JwksFetchError,
  UNAUTHORIZED_MESSAGES,
  UnauthorizedError,
  type Authenticator,
  type AuthRequest,
} from '../../../local/appsync/auth/index.js';
import {
  createUser,
  provisionUserPool,
  signIn,
  startCognitoLocal,
  type CognitoLocal,
  type SignInTokens,
  type UserPoolInfo,
} from '../../../local/cognito/index.js';
import { decodeJwtPayload, generateSigningKey, signJwt, startJwksServer } from './jwt-helpers.js';

/** cognito-local ships its signing key; with it a test can mint tokens cognito-local would have issued. */
const cognitoLocalKey = {
  kid: 'CognitoLocal',
  privateKey: (createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.private.json') as { pem: string }).pem,
};

function request(authorization: string, sourceIp = '203.0.113.7', headerName = 'authorization'): AuthRequest {
  return { method: 'POST', path: '/graphql', headers: { [headerName]: authorization, host: 'localhost:4000' }, body: '{}', sourceIp };
}

async function rejection(promise: Promise<unknown>): Promise<UnauthorizedError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return error as UnauthorizedError;
}

describe('user-pool authentication against cognito-local', () => {
  let dataDir: string;
  let cognito: CognitoLocal;
  let pool: UserPoolInfo;
  let otherClient: UserPoolInfo;
  let otherPool: UserPoolInfo;
  let admin: { sub: string; tokens: SignInTokens };
  let member: { sub: string; tokens: SignInTokens };
  let authenticator: Authenticator;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'wavechat-auth-'));
    cognito = await startCognitoLocal({ dataDir });
    pool = await provisionUserPool(cognito.endpoint, { poolName: 'chat', clientName: 'web', groups: ['admins'] });
    otherClient = await provisionUserPool(cognito.endpoint, { poolName: 'chat', clientName: 'other-app' });
    otherPool = await provisionUserPool(cognito.endpoint, { poolName: 'elsewhere', clientName: 'web' });
    const password = 'Passw0rd!';
    const adminSub = (await createUser(cognito.endpoint, pool, { email: 'admin@example.com', password, groups: ['admins'] })).sub;
    const memberSub = (await createUser(cognito.endpoint, pool, { email: 'member@example.com', password })).sub;
    await createUser(cognito.endpoint, otherPool, { email: 'admin@example.com', password });
    admin = { sub: adminSub, tokens: await signIn(cognito.endpoint, pool.userPoolClientId, 'admin@example.com', password) };
    member = { sub: memberSub, tokens: await signIn(cognito.endpoint, pool.userPoolClientId, 'member@example.com', password) };
    authenticator = createAuthenticator({
      modes: ['AMAZON_COGNITO_USER_POOLS'],
      userPool: { issuer: pool.issuer, jwksUri: pool.jwksUri, clientIds: [pool.userPoolClientId] },
    });
  });

  afterAll(async () => {
    await cognito?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('accepts an ID token and builds ctx.identity as AppSync does', async () => {
    const auth = await authenticator.authenticate(request(admin.tokens.idToken));
    const claims = decodeJwtPayload(admin.tokens.idToken);
    expect(claims['cognito:username']).toBe(admin.sub);
    expect(auth).toEqual({
      mode: 'AMAZON_COGNITO_USER_POOLS',
      authType: 'User Pool Authorization',
      groups: ['admins'],
      identity: {
        sub: admin.sub,
        issuer: pool.issuer,
        username: admin.sub,
        claims,
        sourceIp: ['203.0.113.7'],
        defaultAuthStrategy: 'ALLOW',
        groups: ['admins'],
      },
    });
    expect(Object.keys(auth.identity as object)).toEqual(['sub', 'issuer', 'username', 'claims', 'sourceIp', 'defaultAuthStrategy', 'groups']);
  });

  it('accepts the access token Amplify sends, raw or with Bearer, under any header case', async () => {
    const raw = await authenticator.authenticate(request(admin.tokens.accessToken, '::ffff:127.0.0.1', 'Authorization'));
    expect(raw.identity).toMatchObject({
      sub: admin.sub,
      username: decodeJwtPayload(admin.tokens.accessToken).username,
      groups: ['admins'],
      sourceIp: ['127.0.0.1'],
      claims: { token_use: 'access', client_id: pool.userPoolClientId },
    });
    const bearer = await authenticator.authenticate(request(`Bearer ${admin.tokens.accessToken}`, '198.51.100.1', 'AUTHORIZATION'));
    expect(bearer.identity).toMatchObject({ sub: admin.sub, sourceIp: ['198.51.100.1'] });
  });

  it('reports groups as null for users in no group, and the configured default action', async () => {
    const denyByDefault = createAuthenticator({
      modes: ['AMAZON_COGNITO_USER_POOLS'],
      userPool: { issuer: pool.issuer, jwksUri: pool.jwksUri, clientIds: [pool.userPoolClientId], defaultAction: 'DENY' },
    });
    const auth = await denyByDefault.authenticate(request(member.tokens.idToken));
    expect(auth.groups).toEqual([]);
    expect(auth.identity).toMatchObject({ sub: member.sub, groups: null, defaultAuthStrategy: 'DENY' });
  });

  it('refuses an expired token that cognito-local itself signed', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt({ ...decodeJwtPayload(admin.tokens.idToken), iat: now - 7200, exp: now - 60 }, cognitoLocalKey);
    const stillValid = signJwt({ ...decodeJwtPayload(admin.tokens.idToken), iat: now - 60, exp: now + 60 }, cognitoLocalKey);
    await expect(authenticator.authenticate(request(stillValid))).resolves.toMatchObject({ mode: 'AMAZON_COGNITO_USER_POOLS' });
    const error = await rejection(authenticator.authenticate(request(expired)));
    expect(error.message).toBe(UNAUTHORIZED_MESSAGES.rejectedCredentials);
    expect(error.reason).toMatch(/expired/i);
  });

  it('refuses a tampered token', async () => {
    const [header, , signature] = member.tokens.idToken.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...decodeJwtPayload(member.tokens.idToken), 'cognito:groups': ['admins'] })).toString('base64url');
    const error = await rejection(authenticator.authenticate(request(`${header}.${promoted}.${signature}`)));
    expect(error.reason).toMatch(/signature/i);
  });

  it('refuses a token signed by another key under the same kid', async () => {
    const forged = signJwt(decodeJwtPayload(admin.tokens.idToken), await generateSigningKey('CognitoLocal'));
    expect((await rejection(authenticator.authenticate(request(forged)))).reason).toMatch(/signature/i);
  });

  it('refuses tokens of another pool and of another app client', async () => {
    const fromOtherPool = await signIn(cognito.endpoint, otherPool.userPoolClientId, 'admin@example.com', 'Passw0rd!');
    expect((await rejection(authenticator.authenticate(request(fromOtherPool.idToken)))).reason).toMatch(/iss/i);
    expect((await rejection(authenticator.authenticate(request(fromOtherPool.accessToken)))).reason).toMatch(/iss/i);

    const fromOtherClient = await signIn(cognito.endpoint, otherClient.userPoolClientId, 'admin@example.com', 'Passw0rd!');
    expect((await rejection(authenticator.authenticate(request(fromOtherClient.idToken)))).reason).toMatch(/aud/);
    expect((await rejection(authenticator.authenticate(request(fromOtherClient.accessToken)))).reason).toMatch(/client_id/);

    const bothClients = createAuthenticator({
      modes: ['AMAZON_COGNITO_USER_POOLS'],
      userPool: { issuer: pool.issuer, jwksUri: pool.jwksUri, clientIds: [pool.userPoolClientId, otherClient.userPoolClientId] },
    });
    await expect(bothClients.authenticate(request(fromOtherClient.accessToken))).resolves.toMatchObject({ groups: ['admins'] });
  });

  it('refuses refresh tokens, non-JWTs and empty bearers', async () => {
    // cognito-local's refresh token is a JWT without kid or token_use.
    expect((await rejection(authenticator.authenticate(request(admin.tokens.refreshToken)))).reason).toMatch(/kid/);
    await rejection(authenticator.authenticate(request('not-a-jwt')));
    await rejection(authenticator.authenticate(request('Bearer ')));
  });
});

describe('user-pool JWKS handling', () => {
  const issuer = 'http://127.0.0.1:1/local_jwks';
  const clientId = 'client-1';
  const claims = (): Record<string, unknown> => ({
    sub: 'user-1',
    iss: issuer,
    aud: clientId,
    token_use: 'id',
    'cognito:username': 'user-1',
    exp: Math.floor(Date.now() / 1000) + 600,
  });

  it('fetches the JWKS over http once, and once more for an unknown kid', async () => {
    const [first, rotated, unknown] = await Promise.all(['key-1', 'key-2', 'key-3'].map(generateSigningKey));
    if (!first || !rotated || !unknown) throw new Error('no keys');
    const server = await startJwksServer([first.publicJwk]);
    try {
      const authenticator = createAuthenticator({
        modes: ['AMAZON_COGNITO_USER_POOLS'],
        userPool: { issuer, jwksUri: server.jwksUri, clientIds: [clientId] },
      });
      await authenticator.authenticate(request(signJwt(claims(), first)));
      await authenticator.authenticate(request(signJwt(claims(), first)));
      expect(server.fetchCount()).toBe(1);

      server.keys = [first.publicJwk, rotated.publicJwk];
      await expect(authenticator.authenticate(request(signJwt(claims(), rotated)))).resolves.toMatchObject({ identity: { username: 'user-1' } });
      expect(server.fetchCount()).toBe(2);

      expect((await rejection(authenticator.authenticate(request(signJwt(claims(), unknown))))).reason).toMatch(/kid/);
      expect(server.fetchCount()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable JWKS as a server fault, not as a 401', async () => {
    const server = await startJwksServer([]);
    const jwksUri = server.jwksUri;
    await server.close();
    const authenticator = createAuthenticator({ modes: ['AMAZON_COGNITO_USER_POOLS'], userPool: { issuer, jwksUri, clientIds: [clientId] } });
    await expect(authenticator.authenticate(request(signJwt(claims(), await generateSigningKey('k'))))).rejects.toBeInstanceOf(JwksFetchError);
  });
});
