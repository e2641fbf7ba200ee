/**
 * `POST /graphql` of the real local AppSync, called over real HTTP as clients call AppSync: status codes, error
 * bodies and headers (appsync-realtime.md §5.2), authentication per mode, and field authorization by the auth
 * directives (appsync-js-runtime.md §6.6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY,
  PRINCIPAL,
  apiKeyCaller,
  iamCaller,
  startEngineServer,
  type Caller,
  type EngineServer,
  type HttpAnswer,
} from './support.js';

let server: EngineServer;

beforeAll(async () => {
  // No test here reaches DynamoDB.
  server = await startEngineServer({ withDynamoDb: false });
});

afterAll(async () => {
  await server?.close();
});

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8', 'x-api-key': API_KEY };

function expectAppSyncHeaders(answer: HttpAnswer): void {
  expect(answer.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
}

function expectError(answer: HttpAnswer, status: number, errorType: string, message: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('x-amzn-errortype')).toBe(errorType);
  expect(JSON.parse(answer.text)).toEqual({ errors: [{ errorType, message }] });
  expectAppSyncHeaders(answer);
}

/** The AppSync error entry of a field the caller may not read. */
function denied(fieldName: string, typeName: string, path: (string | number)[]) {
  return {
    path,
    data: null,
    errorType: 'Unauthorized',
    errorInfo: null,
    locations: [expect.objectContaining({ sourceName: null })],
    message: `Not Authorized to access ${fieldName} on type ${typeName}`,
  };
}

describe('response basics', () => {
  it('answers with JSON, a request id per request and no x-amzn-ErrorType on success', async () => {
    const first = await server.graphql(apiKeyCaller, 'query { defaultModeOnly }');
    const second = await server.graphql(apiKeyCaller, 'query { defaultModeOnly }');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ data: { defaultModeOnly: 'Query.defaultModeOnly' } });
    expectAppSyncHeaders(first);
    expect(first.headers.get('x-amzn-errortype')).toBeNull();
    expect(second.headers.get('x-amzn-requestid')).not.toBe(first.headers.get('x-amzn-requestid'));
  });

  it('answers a CORS preflight with the headers browsers need for every auth mode', async () => {
    const response = await fetch(server.appsync.graphqlUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-api-key', 'x-amz-date', 'x-amz-security-token', 'x-amz-user-agent']),
    );
    // The real request's answer must carry the origin header too, or the browser hides it.
    const answer = await server.graphql(apiKeyCaller, 'query { defaultModeOnly }');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('malformed requests', () => {
  it('answers an empty body with 400 MalformedHttpRequestException', async () => {
    expectError(await server.post('', JSON_HEADERS), 400, 'MalformedHttpRequestException', 'Request body is empty.');
  });

  it.each([
    ['not JSON', 'meow'],
    ['an empty object', '{}'],
    ['an array', '[]'],
    ['a non-string query', '{"query":42}'],
  ])('answers a body that is %s with 400 "Unable to parse GraphQL query."', async (_what, body) => {
    expectError(await server.post(body, JSON_HEADERS), 400, 'MalformedHttpRequestException', 'Unable to parse GraphQL query.');
  });

  it('answers GraphQL that does not parse with 400 MalformedHttpRequestException', async () => {
    const answer = await server.graphql(apiKeyCaller, 'query { defaultModeOnly');
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amzn-errortype')).toBe('MalformedHttpRequestException');
    expect(answer.body.errors).toEqual([
      { errorType: 'MalformedHttpRequestException', message: expect.stringMatching(/^Unable to parse GraphQL query\./) },
    ]);
  });

  it('answers a body over 1 MiB with 413, and accepts one of exactly 1 MiB', async () => {
    const limit = 1024 * 1024;
    const bodyOfSize = (size: number): string => {
      const start = '{"query":"query { defaultModeOnly } #';
      const end = '"}';
      return start + 'x'.repeat(size - start.length - end.length) + end;
    };
    const accepted = await server.post(bodyOfSize(limit), JSON_HEADERS);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ data: { defaultModeOnly: 'Query.defaultModeOnly' } });

    const refused = await server.post(bodyOfSize(limit + 1), JSON_HEADERS);
    expect(refused.status).toBe(413);
    expect(refused.headers.get('x-amzn-errortype')).toBe('PayloadTooLargeException');
    expect(refused.body.errors?.[0]).toMatchObject({ errorType: 'PayloadTooLargeException' });
  });

  it('answers a validation error with 200, data null and an error without errorType', async () => {
    const answer = await server.graphql(apiKeyCaller, '{ badfield }');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amzn-errortype')).toBeNull();
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors).toEqual([
      {
        path: null,
        locations: [{ line: 1, column: 3, sourceName: null }],
        message: expect.stringMatching(/^Validation error.*badfield/),
      },
    ]);
  });

  it('runs the operation named by operationName', async () => {
    const query = 'query First { apiKeyOnly }\nquery Second { defaultModeOnly }';
    const body = JSON.stringify({ query, operationName: 'Second', variables: null });
    const answer = await server.post(body, JSON_HEADERS);
    expect(answer.body).toEqual({ data: { defaultModeOnly: 'Query.defaultModeOnly' } });
  });

  it('refuses a subscription sent over HTTP', async () => {
    const answer = await server.graphql(apiKeyCaller, 'subscription { onEvent(channel: "c") { id } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]?.['message']).toMatch(/real-time/);
  });
});

describe('authentication', () => {
  it('answers a request without credentials with 401 "Valid authorization header not provided."', async () => {
    expectError(
      await server.graphql({ mode: 'NONE' }, 'query { defaultModeOnly }'),
      401,
      'UnauthorizedException',
      'Valid authorization header not provided.',
    );
  });

  it('answers an unknown API key with 401', async () => {
    expectError(
      await server.graphql({ mode: 'API_KEY', apiKey: 'da2-unknown' }, 'query { defaultModeOnly }'),
      401,
      'UnauthorizedException',
      'You are not authorized to make this call.',
    );
  });

  it('answers a SigV4 signature that does not match the request with 401', async () => {
    const signedBody = JSON.stringify({ query: 'query { iamOnly }' });
    const sentBody = JSON.stringify({ query: 'query { whoami }' });
    const headers = { 'content-type': 'application/json; charset=UTF-8' };
    const { host: _host, ...signed } = await server.signIam('/graphql', signedBody, headers);
    expectError(await server.post(sentBody, signed), 401, 'UnauthorizedException', 'You are not authorized to make this call.');

    // The same request with the body that was signed goes through: only the signature was wrong above.
    const ok = await server.post(signedBody, signed);
    expect(ok.body).toEqual({ data: { iamOnly: 'Query.iamOnly' } });
  });

  it('answers SigV4 with an unknown access key with 401', async () => {
    const stranger = { ...PRINCIPAL, accessKeyId: 'AKIDSTRANGER' };
    expectError(
      await server.graphql({ mode: 'AWS_IAM', principal: stranger }, 'query { iamOnly }'),
      401,
      'UnauthorizedException',
      'You are not authorized to make this call.',
    );
  });

  it('answers a tampered user-pool token with 401', async () => {
    const token = server.userPoolToken();
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), sub: 'mallory' }),
    ).toString('base64url');
    const forged = `${header}.${forgedPayload}.${signature}`;
    expectError(
      await server.graphql({ mode: 'AMAZON_COGNITO_USER_POOLS', token: forged }, 'query { userPoolOnly }'),
      401,
      'UnauthorizedException',
      'You are not authorized to make this call.',
    );
    const genuine = await server.graphql({ mode: 'AMAZON_COGNITO_USER_POOLS', token }, 'query { userPoolOnly }');
    expect(genuine.body).toEqual({ data: { userPoolOnly: 'Query.userPoolOnly' } });
  });
});

describe('field authorization by directives', () => {
  const ALL_FIELDS = 'query {\n  apiKeyOnly\n  iamOnly\n  userPoolOnly\n  defaultModeOnly\n}';
  const userPool = (claims?: Record<string, unknown>): Caller => ({
    mode: 'AMAZON_COGNITO_USER_POOLS',
    token: server.userPoolToken(claims),
  });

  it('nulls a denied field with an Unauthorized error while its siblings resolve (API key)', async () => {
    const answer = await server.graphql(apiKeyCaller, ALL_FIELDS);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({
      apiKeyOnly: 'Query.apiKeyOnly',
      iamOnly: null,
      userPoolOnly: null,
      // No directive: the default mode, API key.
      defaultModeOnly: 'Query.defaultModeOnly',
    });
    expect(answer.body.errors).toEqual([
      { ...denied('iamOnly', 'Query', ['iamOnly']), locations: [{ line: 3, column: 3, sourceName: null }] },
      { ...denied('userPoolOnly', 'Query', ['userPoolOnly']), locations: [{ line: 4, column: 3, sourceName: null }] },
    ]);
  });

  it('accepts IAM on @aws_iam fields only; unmarked fields need the default mode', async () => {
    const answer = await server.graphql(iamCaller, ALL_FIELDS);
    expect(answer.body.data).toEqual({ apiKeyOnly: null, iamOnly: 'Query.iamOnly', userPoolOnly: null, defaultModeOnly: null });
    expect(answer.body.errors).toEqual([
      denied('apiKeyOnly', 'Query', ['apiKeyOnly']),
      denied('userPoolOnly', 'Query', ['userPoolOnly']),
      denied('defaultModeOnly', 'Query', ['defaultModeOnly']),
    ]);
  });

  it('accepts user-pool tokens on @aws_cognito_user_pools fields', async () => {
    const answer = await server.graphql(userPool(), ALL_FIELDS);
    expect(answer.body.data).toEqual({ apiKeyOnly: null, iamOnly: null, userPoolOnly: 'Query.userPoolOnly', defaultModeOnly: null });
    expect(answer.body.errors?.map((e) => e['message'])).toEqual([
      'Not Authorized to access apiKeyOnly on type Query',
      'Not Authorized to access iamOnly on type Query',
      'Not Authorized to access defaultModeOnly on type Query',
    ]);
  });

  it('accepts an access token as well as an ID token', async () => {
    const token = server.userPoolToken({ token_use: 'access', aud: undefined, client_id: 'engine-test-client', username: 'alice' });
    const answer = await server.graphql({ mode: 'AMAZON_COGNITO_USER_POOLS', token }, 'query { userPoolOnly }');
    expect(answer.body).toEqual({ data: { userPoolOnly: 'Query.userPoolOnly' } });
  });

  it('admits only members of the listed groups to @aws_cognito_user_pools(cognito_groups)', async () => {
    const outsider = await server.graphql(userPool({ 'cognito:groups': ['readers'] }), 'query { adminsOnly }');
    expect(outsider.body).toEqual({ data: { adminsOnly: null }, errors: [denied('adminsOnly', 'Query', ['adminsOnly'])] });
    const admin = await server.graphql(userPool({ 'cognito:groups': ['readers', 'admins'] }), 'query { adminsOnly }');
    expect(admin.body).toEqual({ data: { adminsOnly: 'Query.adminsOnly' } });
  });

  it('lets field directives override the type’s, and the type’s apply to its other fields', async () => {
    const query = 'query { secret { value open } }';
    const withApiKey = await server.graphql(apiKeyCaller, query);
    expect(withApiKey.body).toEqual({
      data: { secret: { value: null, open: 'public' } },
      errors: [denied('value', 'Secret', ['secret', 'value'])],
    });
    const withIam = await server.graphql(iamCaller, query);
    expect(withIam.body).toEqual({
      data: { secret: { value: 'classified', open: null } },
      errors: [denied('open', 'Secret', ['secret', 'open'])],
    });
  });
});
