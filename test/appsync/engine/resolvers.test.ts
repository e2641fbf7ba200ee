/**
 * Resolver execution through the real local AppSync over HTTP: unit and pipeline order, stash, ctx.prev.result,
 * runtime.earlyReturn, util.error / util.appendError, data-source errors, NONE / DynamoDB / Lambda data sources,
 * nested resolvers, and the parts of ctx the engine fills in (info, identity, env, request headers).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINCIPAL, apiKeyCaller, iamCaller, startEngineServer, type EngineServer } from './support.js';

let server: EngineServer;

beforeAll(async () => {
  server = await startEngineServer({ withDynamoDb: true });
});

afterAll(async () => {
  await server?.close();
});

/** Runs a query as the API-key caller and returns the parsed body, insisting on HTTP 200. */
async function run(query: string, variables: Record<string, unknown> = {}) {
  const answer = await server.graphql(apiKeyCaller, query, variables);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** An AWSJSON field's value. */
function json(value: unknown): Record<string, unknown> {
  expect(typeof value).toBe('string');
  return JSON.parse(value as string) as Record<string, unknown>;
}

async function storedItem(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await server.dynamodb!.send(
    new GetItemCommand({ TableName: 'EngineItems', Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return Item && unmarshall(Item);
}

const FLOW = 'query Flow($mode: String!) { flow(mode: $mode) }';

describe('pipeline resolvers', () => {
  it('runs resolver request, each function (request, data source, response) in order, then resolver response', async () => {
    const body = await run(FLOW, { mode: 'RUN' });
    expect(body.errors).toBeUndefined();
    const flow = json(body.data?.['flow']);
    // One stash for the whole run: every handler appended to the same list.
    expect(flow['trace']).toEqual([
      'resolver.request',
      'first.request',
      'first.response',
      'skipper.request',
      'skipper.response',
      'last.request',
      'last.response',
      'resolver.response',
    ]);
  });

  it('hands each step the previous step’s return as ctx.prev.result, and the last one to the resolver response', async () => {
    const flow = json((await run(FLOW, { mode: 'RUN' })).data?.['flow']);
    expect(flow['prevSeen']).toEqual({
      first: { from: 'resolver.request' },
      skipper: { by: 'first', dataSourceResult: { sentBy: 'first' } },
      last: { by: 'skipper', dataSourceResult: { sentBy: 'skipper' } },
    });
    const last = { by: 'last', dataSourceResult: { sentBy: 'last' } };
    expect(flow['prevResult']).toEqual(last);
    expect(flow['result']).toEqual(last);
  });

  // AWS: a function's early return without skipTo goes on to the next function, as with skipTo 'NEXT'.
  it.each([
    ['NEXT', "with earlyReturn skipTo 'NEXT'"],
    ['DEFAULT', 'with earlyReturn and no skipTo, as AWS documents'],
  ])("skips only the function's data source and response (%s) %s", async (mode) => {
    const flow = json((await run(FLOW, { mode })).data?.['flow']);
    expect(flow['trace']).toEqual([
      'resolver.request',
      'first.request',
      'first.response',
      'skipper.request',
      'last.request',
      'last.response',
      'resolver.response',
    ]);
    expect((flow['prevSeen'] as Record<string, unknown>)['last']).toEqual({ skippedWith: mode });
  });

  it("jumps to the resolver response with earlyReturn skipTo 'END'", async () => {
    const flow = json((await run(FLOW, { mode: 'END' })).data?.['flow']);
    expect(flow['trace']).toEqual(['resolver.request', 'first.request', 'first.response', 'skipper.request', 'resolver.response']);
    expect(flow['prevResult']).toEqual({ skippedWith: 'END' });
    expect(flow['prevSeen']).not.toHaveProperty('last');
  });

  it("skips every function when the pipeline's own request returns early", async () => {
    const flow = json((await run(FLOW, { mode: 'RESOLVER_EARLY' })).data?.['flow']);
    expect(flow['trace']).toEqual(['resolver.request', 'resolver.response']);
    expect(flow['prevResult']).toEqual({ from: 'resolver.request', early: true });
    expect(flow['prevSeen']).toEqual({});
  });

  it('stops at util.error in a function: later functions never run (no DynamoDB write)', async () => {
    const query = `mutation Write($id: ID!, $fail: Boolean!) {
  guardedWrite(id: $id, fail: $fail) { id value guarded }
}`;
    const refused = await run(query, { id: 'refused-1', fail: true });
    expect(refused.data).toEqual({ guardedWrite: null });
    expect(refused.errors).toEqual([
      {
        path: ['guardedWrite'],
        data: { id: 'refused-1' },
        errorType: 'Guard:Refused',
        errorInfo: { reason: 'fail was true' },
        locations: [{ line: 2, column: 3, sourceName: null }],
        message: 'The guard refused the write',
      },
    ]);
    expect(await storedItem('refused-1')).toBeUndefined();

    // The same pipeline without the error does write, carrying the guard's stash entry into the next function.
    const written = await run(query, { id: 'written-1', fail: false });
    expect(written).toEqual({ data: { guardedWrite: { id: 'written-1', value: 'written by the pipeline', guarded: true } } });
    expect(await storedItem('written-1')).toEqual({ id: 'written-1', value: 'written by the pipeline', guarded: true });
  });
});

describe('errors', () => {
  it('keeps the value and adds the error, with path and locations, on util.appendError', async () => {
    const body = await run('query {\n  softError\n}');
    expect(body.data).toEqual({ softError: 'value kept' });
    expect(body.errors).toEqual([
      {
        path: ['softError'],
        data: { detail: 1 },
        errorType: 'Soft:Warning',
        errorInfo: { hint: 'ignore me' },
        locations: [{ line: 2, column: 3, sourceName: null }],
        message: 'Something minor went wrong',
      },
    ]);
  });

  it('swallows a data-source error the response handler does not raise, as AppSync does', async () => {
    const put = 'mutation Put($id: ID!, $rethrow: Boolean) { conditionalPut(id: $id, rethrow: $rethrow) }';
    expect(await run(put, { id: 'cond-1' })).toEqual({ data: { conditionalPut: 'stored' } });

    const swallowed = await run(put, { id: 'cond-1' });
    expect(swallowed).toEqual({ data: { conditionalPut: 'swallowed DynamoDB:ConditionalCheckFailedException' } });

    const raised = await run(put, { id: 'cond-1', rethrow: true });
    expect(raised.data).toEqual({ conditionalPut: null });
    expect(raised.errors).toEqual([
      expect.objectContaining({
        path: ['conditionalPut'],
        errorType: 'DynamoDB:ConditionalCheckFailedException',
        message: expect.stringMatching(/^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/),
      }),
    ]);
  });
});

describe('data sources', () => {
  it('runs a unit resolver against DynamoDB (PutItem, then GetItem)', async () => {
    const put = await run('mutation { putItem(id: "unit-1", value: "v1") { id value } }');
    expect(put).toEqual({ data: { putItem: { id: 'unit-1', value: 'v1' } } });
    expect(await storedItem('unit-1')).toEqual({ id: 'unit-1', value: 'v1' });

    expect(await run('query { item(id: "unit-1") { id value } }')).toEqual({ data: { item: { id: 'unit-1', value: 'v1' } } });
    expect(await run('query { item(id: "missing") { id } }')).toEqual({ data: { item: null } });
  });

  it('forwards the request payload of a NONE data source as ctx.result', async () => {
    const body = await run('query { post(id: "p1") { id title } }');
    expect(body).toEqual({ data: { post: { id: 'p1', title: 'Post p1' } } });
  });

  it('invokes a Lambda handler with the request payload and returns its result', async () => {
    const body = await run('query { lambdaEcho(text: "hello") }');
    expect(body.errors).toBeUndefined();
    expect(json(body.data?.['lambdaEcho'])).toEqual({ echoed: 'HELLO', event: { text: 'hello', fieldName: 'lambdaEcho' } });
  });

  it("gives the response handler ctx.error of type 'Lambda:Unhandled' when the handler throws", async () => {
    const body = await run('query { lambdaEcho(text: "throw") }');
    // The handler returned the error as the value instead of raising it: no GraphQL error.
    expect(body.errors).toBeUndefined();
    expect(json(body.data?.['lambdaEcho'])).toEqual({
      error: { message: 'The echo handler was told to throw', type: 'Lambda:Unhandled' },
      result: null,
    });
  });
});

describe('ctx', () => {
  it('gives a nested resolver its parent value as ctx.source', async () => {
    const body = await run('query { post(id: "p2") { title author { id name seen } } }');
    const post = body.data?.['post'] as { title: string; author: { id: string; name: string; seen: string } };
    expect(post.author).toMatchObject({ id: 'author-of-p2', name: 'Author of Post p2' });
    expect(json(post.author.seen)).toEqual({
      // The whole parent value, including authorId, which the query did not select.
      source: { id: 'p2', title: 'Post p2', authorId: 'author-of-p2' },
      fieldName: 'author',
      parentTypeName: 'Post',
    });
  });

  it('fills ctx.info with field and parent names, the selection (aliases, fragments) and the variables', async () => {
    const query = `query Inspect($label: String) {
  inspect(label: $label) {
    fieldName
    renamed: parentTypeName
    selectionSetList
    ...Rest
  }
}
fragment Rest on Inspection { selectionSetGraphQL variables arguments details { depth label } }`;
    const body = await run(query, { label: 'seen' });
    expect(body.errors).toBeUndefined();
    const inspection = body.data?.['inspect'] as Record<string, unknown>;
    expect(inspection['fieldName']).toBe('inspect');
    expect(inspection['renamed']).toBe('Query');
    expect(inspection['selectionSetList']).toEqual([
      'fieldName',
      'renamed',
      'selectionSetList',
      'selectionSetGraphQL',
      'variables',
      'arguments',
      'details',
      'details/depth',
      'details/label',
    ]);
    expect(inspection['selectionSetGraphQL']).toBe('{\n  fieldName\n  renamed: parentTypeName\n  selectionSetList\n  ...Rest\n}');
    expect(json(inspection['variables'])).toEqual({ label: 'seen' });
    expect(json(inspection['arguments'])).toEqual({ label: 'seen' });
    expect(inspection['details']).toEqual({ depth: 1, label: 'seen' });
  });

  it('fills ctx.env from the description, table references replaced by table names', async () => {
    const body = await run('query { env }');
    expect(json(body.data?.['env'])).toEqual({ GREETING: 'hello from the description', ITEMS_TABLE: 'EngineItems' });
  });

  it('passes the request headers, lower-case and without cookies, as ctx.request.headers', async () => {
    const answer = await server.graphql(apiKeyCaller, 'query { requestHeaders }', {}, {
      'X-Custom-Trace': 'trace-42',
      Cookie: 'session=secret',
    });
    const headers = json(answer.body.data?.['requestHeaders']);
    expect(headers).toMatchObject({ 'x-custom-trace': 'trace-42', 'x-api-key': 'da2-enginetestkey', host: server.host });
    expect(headers).not.toHaveProperty('cookie');
    expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  describe('ctx.identity and util.authType() per auth mode', () => {
    it('API key: identity null', async () => {
      const body = await run('query { whoami }');
      expect(json(body.data?.['whoami'])).toEqual({ identity: null, authType: 'API Key Authorization' });
    });

    it('IAM: the signing principal', async () => {
      const answer = await server.graphql(iamCaller, 'query { whoami }');
      expect(answer.status).toBe(200);
      expect(json(answer.body.data?.['whoami'])).toEqual({
        identity: {
          accountId: PRINCIPAL.accountId,
          cognitoIdentityPoolId: null,
          cognitoIdentityId: null,
          sourceIp: ['127.0.0.1'],
          username: PRINCIPAL.username,
          userArn: PRINCIPAL.userArn,
          cognitoIdentityAuthType: null,
          cognitoIdentityAuthProvider: null,
        },
        authType: 'IAM Authorization',
      });
    });

    it('user pools: the token’s user, claims and groups', async () => {
      const token = server.userPoolToken({ 'cognito:groups': ['admins'] });
      const answer = await server.graphql({ mode: 'AMAZON_COGNITO_USER_POOLS', token }, 'query { whoami }');
      expect(answer.status).toBe(200);
      const whoami = json(answer.body.data?.['whoami']);
      expect(whoami['authType']).toBe('User Pool Authorization');
      expect(whoami['identity']).toEqual({
        sub: 'alice-sub',
        issuer: server.issuer,
        username: 'alice',
        claims: expect.objectContaining({ sub: 'alice-sub', 'cognito:username': 'alice', token_use: 'id', email: 'alice@example.com' }),
        sourceIp: ['127.0.0.1'],
        defaultAuthStrategy: 'ALLOW',
        groups: ['admins'],
      });
    });
  });
});
