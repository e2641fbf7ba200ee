import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  UNAUTHORIZED_MESSAGES,
  UnauthorizedError,
  type AuthRequest,
  type IamPrincipal,
} from '../../../local/appsync/auth/index.js';

const bridge: IamPrincipal = {
  accessKeyId: 'AKIDLOCALBRIDGE',
  secretAccessKey: 'bridge-secret',
  accountId: '000000000000',
  userArn: 'arn:aws:sts::000000000000:assumed-role/wavechat-bridge/local',
  username: 'AROALOCALBRIDGE:local',
};
const region = 'us-east-1';
const authenticator = createAuthenticator({ modes: ['AWS_IAM'], iam: { region, principals: [bridge] } });

interface ClientRequest {
  readonly path: string;
  readonly body: string;
  /** Headers the client signs (the signer adds x-amz-date and x-amz-security-token). */
  readonly headers: Record<string, string>;
}

/** Signs like Amplify does: @smithy/signature-v4, service appsync, no x-amz-content-sha256. */
async function sign(
  client: ClientRequest,
  options: { credentials?: { accessKeyId: string; secretAccessKey: string }; signingDate?: Date; region?: string; service?: string; applyChecksum?: boolean } = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: options.service ?? 'appsync',
    region: options.region ?? region,
    credentials: { ...(options.credentials ?? bridge), sessionToken: 'local-session-token' },
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? false,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: 'POST', protocol: 'http:', hostname: 'localhost', port: 4000, path: client.path, headers: client.headers, body: client.body }),
    { signingDate: options.signingDate ?? new Date() },
  );
  return signed.headers;
}

function authRequest(client: ClientRequest, headers: Record<string, string>, overrides: Partial<AuthRequest> = {}): AuthRequest {
  return { method: 'POST', path: client.path, body: client.body, headers, sourceIp: '10.0.0.9', ...overrides };
}

const httpQuery: ClientRequest = {
  path: '/graphql',
  body: '{"query":"query Echo {\\n  echo\\n}\\n","variables":{}}',
  headers: {
    'content-type': 'application/json; charset=UTF-8',
    host: 'localhost:4000',
    'x-amz-user-agent': 'aws-amplify/6.22.1 api/1 framework/100',
  },
};
const realtimeHeaders = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
  host: 'localhost:4000',
};
const realtimeConnect: ClientRequest = { path: '/graphql/connect', body: '{}', headers: realtimeHeaders };
const realtimeStart: ClientRequest = {
  path: '/graphql',
  body: '{"query":"subscription OnMessage {\\n  onMessage {\\n    id\\n  }\\n}\\n","variables":{}}',
  headers: realtimeHeaders,
};

async function expectRejected(request: AuthRequest, reason: RegExp): Promise<void> {
  const error = await authenticator.authenticate(request).then(
    () => null,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect((error as UnauthorizedError).message).toBe(UNAUTHORIZED_MESSAGES.rejectedCredentials);
  expect((error as UnauthorizedError).reason).toMatch(reason);
}

describe('IAM (SigV4) authentication', () => {
  it('accepts a signed HTTP query, ignoring the unsigned headers fetch adds, and builds ctx.identity', async () => {
    const signed = await sign(httpQuery);
    expect(signed.authorization).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-user-agent,');
    const auth = await authenticator.authenticate(
      authRequest(httpQuery, { ...signed, accept: '*/*', 'user-agent': 'node', 'accept-encoding': 'gzip, deflate', 'sec-fetch-mode': 'cors' }),
    );
    expect(auth).toEqual({
      mode: 'AWS_IAM',
      authType: 'IAM Authorization',
      groups: [],
      identity: {
        accountId: '000000000000',
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: ['10.0.0.9'],
        username: 'AROALOCALBRIDGE:local',
        userArn: 'arn:aws:sts::000000000000:assumed-role/wavechat-bridge/local',
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    });
  });

  it('accepts the realtime connect and start shapes, with header names in any case', async () => {
    const connectHeaders = await sign(realtimeConnect);
    expect(connectHeaders.authorization).toContain('SignedHeaders=accept;content-encoding;content-type;host;x-amz-date;x-amz-security-token,');
    await expect(authenticator.authenticate(authRequest(realtimeConnect, connectHeaders))).resolves.toMatchObject({ mode: 'AWS_IAM' });

    const startHeaders = await sign(realtimeStart);
    const shouted = Object.fromEntries(Object.entries(startHeaders).map(([name, value]) => [name.toUpperCase(), value]));
    await expect(
      authenticator.authenticate(authRequest(realtimeStart, { ...shouted, 'x-amz-user-agent': 'aws-amplify/6.22.1 api/1 framework/100' })),
    ).resolves.toMatchObject({ mode: 'AWS_IAM' });
  });

  it('accepts a signature that covers x-amz-content-sha256 when it is the hash of the body', async () => {
    const signed = await sign(httpQuery, { applyChecksum: true });
    expect(signed.authorization).toContain('x-amz-content-sha256');
    await expect(authenticator.authenticate(authRequest(httpQuery, signed))).resolves.toMatchObject({ mode: 'AWS_IAM' });
  });

  it('refuses a changed body or path', async () => {
    const signed = await sign(httpQuery);
    await expectRejected(authRequest(httpQuery, signed, { body: httpQuery.body.replace('echo', 'secrets') }), /signature/);
    const connectHeaders = await sign(realtimeConnect);
    await expectRejected(authRequest(realtimeConnect, connectHeaders, { path: '/graphql' }), /signature/);
    await expectRejected(authRequest(realtimeStart, await sign(realtimeStart), { body: '{}' }), /signature/);
  });

  it('refuses a signed x-amz-content-sha256 that is not the hash of the body', async () => {
    const client = { ...httpQuery, headers: { ...httpQuery.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } };
    const signed = await sign(client);
    await expectRejected(authRequest(client, signed, { body: '{"query":"{ anything }"}' }), /x-amz-content-sha256/);
  });

  it('refuses unknown access keys and wrong secrets', async () => {
    await expectRejected(
      authRequest(httpQuery, await sign(httpQuery, { credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'bridge-secret' } })),
      /unknown access key/,
    );
    await expectRejected(
      authRequest(httpQuery, await sign(httpQuery, { credentials: { accessKeyId: bridge.accessKeyId, secretAccessKey: 'guess' } })),
      /signature does not match/,
    );
  });

  it('refuses an altered signature or signed header', async () => {
    const signed = await sign(httpQuery);
    const authorization = signed.authorization ?? '';
    const lastChar = authorization.at(-1) === '0' ? '1' : '0';
    await expectRejected(authRequest(httpQuery, { ...signed, authorization: authorization.slice(0, -1) + lastChar }), /signature does not match/);
    await expectRejected(authRequest(httpQuery, { ...signed, host: 'evil.example:4000' }), /signature does not match/);
    const { 'x-amz-user-agent': _dropped, ...withoutSignedHeader } = signed;
    await expectRejected(authRequest(httpQuery, withoutSignedHeader), /signed header x-amz-user-agent is missing/);
  });

  it('refuses dates more than 5 minutes off, and accepts less', async () => {
    const minutes = (count: number): Date => new Date(Date.now() + count * 60_000);
    await expect(authenticator.authenticate(authRequest(httpQuery, await sign(httpQuery, { signingDate: minutes(-4) })))).resolves.toMatchObject({
      mode: 'AWS_IAM',
    });
    await expectRejected(authRequest(httpQuery, await sign(httpQuery, { signingDate: minutes(-6) })), /5 minutes/);
    await expectRejected(authRequest(httpQuery, await sign(httpQuery, { signingDate: minutes(6) })), /5 minutes/);
    const signed = await sign(httpQuery);
    const { 'x-amz-date': _date, ...undated } = signed;
    await expectRejected(authRequest(httpQuery, undated), /x-amz-date/);
  });

  it('refuses another region or service in the credential scope', async () => {
    await expectRejected(authRequest(httpQuery, await sign(httpQuery, { region: 'eu-west-1' })), /region/);
    await expectRejected(authRequest(httpQuery, await sign(httpQuery, { service: 'execute-api' })), /service/);
  });

  it('refuses a malformed authorization header', async () => {
    const signed = await sign(httpQuery);
    await expectRejected(authRequest(httpQuery, { ...signed, authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCALBRIDGE' }), /lacks/);
  });
});
