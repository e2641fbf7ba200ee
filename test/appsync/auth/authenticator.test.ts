import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthConfigError,
  createAuthenticator,
  UNAUTHORIZED_MESSAGES,
  UnauthorizedError,
  type AuthConfig,
  type Authenticator,
  type AuthRequest,
  type IamPrincipal,
} from '../../../local/appsync/auth/index.js';
import { generateSigningKey, signJwt, startJwksServer, type JwksServer, type SigningKey } from './jwt-helpers.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const principal: IamPrincipal = {
  accessKeyId: 'AKIDLOCAL',
  secretAccessKey: 'secret',
  accountId: '000000000000',
  userArn: 'arn:aws:iam::000000000000:user/local',
  username: 'AIDALOCAL',
};
const issuer = 'http://127.0.0.1:9229/local_modes';
const body = '{"query":"{ me }","variables":{}}';

function request(headers: Record<string, string>): AuthRequest {
  return { method: 'POST', path: '/graphql', headers: { host: 'localhost:4000', ...headers }, body, sourceIp: '127.0.0.1' };
}

async function sigV4Headers(): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'appsync', region: 'us-east-1', credentials: principal, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    new HttpRequest({ method: 'POST', hostname: 'localhost', path: '/graphql', headers: { host: 'localhost:4000', 'content-type': 'application/json' }, body }),
  );
  return signed.headers;
}

async function failure(authenticator: Authenticator, authRequest: AuthRequest): Promise<UnauthorizedError> {
  const error = await authenticator.authenticate(authRequest).then(
    () => null,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return error as UnauthorizedError;
}

describe('API key authentication', () => {
  const authenticator = createAuthenticator({
    modes: ['API_KEY'],
    apiKeys: [
      { id: 'da2-valid', expires: nowSeconds() + 3600 },
      { id: 'da2-expired', expires: nowSeconds() - 1 },
    ],
  });

  it('accepts a configured key under any header case, with a null identity', async () => {
    for (const name of ['x-api-key', 'X-Api-Key', 'X-API-KEY']) {
      await expect(authenticator.authenticate(request({ [name]: 'da2-valid' }))).resolves.toEqual({
        mode: 'API_KEY',
        identity: null,
        authType: 'API Key Authorization',
        groups: [],
      });
    }
  });

  it('refuses expired and unknown keys with "You are not authorized to make this call."', async () => {
    const expired = await failure(authenticator, request({ 'x-api-key': 'da2-expired' }));
    expect(expired.message).toBe(UNAUTHORIZED_MESSAGES.rejectedCredentials);
    expect(expired.reason).toMatch(/expired/);
    const unknown = await failure(authenticator, request({ 'x-api-key': 'da2-other' }));
    expect(unknown.message).toBe('You are not authorized to make this call.');
    expect(unknown.errorType).toBe('UnauthorizedException');
  });

  it('answers "Valid authorization header not provided." when no credential comes', async () => {
    expect((await failure(authenticator, request({}))).message).toBe('Valid authorization header not provided.');
    expect((await failure(authenticator, request({ 'x-api-key': '' }))).message).toBe(UNAUTHORIZED_MESSAGES.missingCredentials);
  });
});

describe('mode selection', () => {
  let jwks: JwksServer;
  let key: SigningKey;
  let config: AuthConfig;

  beforeAll(async () => {
    key = await generateSigningKey('modes-key');
    jwks = await startJwksServer([key.publicJwk]);
    config = {
      modes: ['AMAZON_COGNITO_USER_POOLS', 'API_KEY', 'AWS_IAM'],
      userPool: { issuer, jwksUri: jwks.jwksUri, clientIds: ['web'] },
      iam: { region: 'us-east-1', principals: [principal] },
      apiKeys: [{ id: 'da2-valid', expires: nowSeconds() + 3600 }],
    };
  });

  afterAll(async () => {
    await jwks.close();
  });

  const idToken = (): string =>
    signJwt({ sub: 'u1', iss: issuer, aud: 'web', token_use: 'id', 'cognito:username': 'u1', exp: nowSeconds() + 600 }, key);

  it('picks API_KEY for x-api-key, AWS_IAM for AWS4-HMAC-SHA256, user pools for any other authorization', async () => {
    const authenticator = createAuthenticator(config);
    await expect(authenticator.authenticate(request({ 'x-api-key': 'da2-valid' }))).resolves.toMatchObject({ mode: 'API_KEY' });
    await expect(authenticator.authenticate(request(await sigV4Headers()))).resolves.toMatchObject({ mode: 'AWS_IAM' });
    await expect(authenticator.authenticate(request({ Authorization: idToken() }))).resolves.toMatchObject({
      mode: 'AMAZON_COGNITO_USER_POOLS',
      identity: { username: 'u1' },
    });
  });

  it('checks x-api-key first when both headers come', async () => {
    const authenticator = createAuthenticator(config);
    const both = request({ 'x-api-key': 'da2-unknown', authorization: idToken() });
    expect((await failure(authenticator, both)).reason).toMatch(/API key/);
  });

  it('only considers enabled modes', async () => {
    const iamOnly = createAuthenticator({ modes: ['AWS_IAM'], iam: config.iam });
    // x-api-key on an IAM-only API is ignored: the SigV4 header decides.
    await expect(iamOnly.authenticate(request({ ...(await sigV4Headers()), 'x-api-key': 'da2-valid' }))).resolves.toMatchObject({
      mode: 'AWS_IAM',
    });
    expect((await failure(iamOnly, request({ 'x-api-key': 'da2-valid' }))).message).toBe(UNAUTHORIZED_MESSAGES.missingCredentials);
    expect((await failure(iamOnly, request({ authorization: idToken() }))).message).toBe(UNAUTHORIZED_MESSAGES.missingCredentials);

    const userPoolsOnly = createAuthenticator({ modes: ['AMAZON_COGNITO_USER_POOLS'], userPool: config.userPool });
    expect((await failure(userPoolsOnly, request(await sigV4Headers()))).message).toBe(UNAUTHORIZED_MESSAGES.missingCredentials);
    expect((await failure(userPoolsOnly, request({ 'x-api-key': 'da2-valid' }))).message).toBe(UNAUTHORIZED_MESSAGES.missingCredentials);
  });

  it('rejects configurations it cannot serve', () => {
    expect(() => createAuthenticator({ modes: [] })).toThrow(AuthConfigError);
    expect(() => createAuthenticator({ modes: ['API_KEY'] })).toThrow(/apiKeys/);
    expect(() => createAuthenticator({ modes: ['AWS_IAM'] })).toThrow(/iam/);
    expect(() => createAuthenticator({ modes: ['AMAZON_COGNITO_USER_POOLS'] })).toThrow(/userPool/);
    expect(() => createAuthenticator({ modes: ['OPENID_CONNECT'] })).toThrow(AuthConfigError);
    expect(() => createAuthenticator({ modes: ['API_KEY', 'AWS_LAMBDA'], apiKeys: [] })).toThrow(/AWS_LAMBDA/);
  });
});
