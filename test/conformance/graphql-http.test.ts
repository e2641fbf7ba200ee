/**
 * Conformance: GraphQL over HTTP as AppSync answers it — success, field errors, request-level 401s, validation
 * errors, malformed bodies, and the user-pools/IAM split of the schema's auth directives. Shapes are AppSync's
 * (reference: appsync-realtime.md §5.2); known local differences are in docs/local-vs-aws.md, not asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_ROOM } from '../support/chat-documents.js';
import { graphql, postGraphql, type HttpReply } from './support/graphql.js';
import { openTarget, type ConformanceTarget, type ConformanceUser } from './support/target.js';

let target: ConformanceTarget;
let ada: ConformanceUser;
let bob: ConformanceUser;
let privateRoomId: string;

beforeAll(async () => {
  target = await openTarget();
  [ada, bob] = await Promise.all([target.user('ada'), target.user('bob')]);
  const { createRoom } = await graphql<{ createRoom: { id: string } }>(target, ada, CREATE_ROOM, {
    input: { name: 'conformance private', visibility: 'PRIVATE' },
  });
  privateRoomId = createRoom.id;
});

afterAll(async () => {
  await target?.close();
});

const MY_ROOMS = '{ myRooms { items { id } nextToken } }';

/** Where `needle` starts in a one-line query, as GraphQL locations count (1-based). */
function locationOf(query: string, needle: string): { line: number; column: number; sourceName: null } {
  return { line: 1, column: query.indexOf(needle) + 1, sourceName: null };
}

function expectAppSyncHeaders(reply: HttpReply): void {
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/i);
  expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
}

describe('success', () => {
  it('answers 200 with only data, for access and ID tokens alike', async () => {
    for (const token of [ada.accessToken, ada.idToken]) {
      const reply = await postGraphql(target, { query: MY_ROOMS }, { token });
      expect(reply.status).toBe(200);
      expectAppSyncHeaders(reply);
      expect(reply.body).toEqual({ data: { myRooms: { items: [{ id: privateRoomId }], nextToken: null } } });
    }
  });
});

describe('field errors', () => {
  it('keep partial data and describe the error with path, errorType, locations, data and errorInfo', async () => {
    const query = 'query Q($r: ID!) { message(roomId: $r, messageId: "nope") { id } }';
    const reply = await postGraphql(target, { query, variables: { r: privateRoomId } }, { token: bob.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      data: { message: null },
      errors: [
        {
          path: ['message'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [locationOf(query, 'message(')],
          message: 'You are not a member of this room',
        },
      ],
    });
  });
});

describe('request-level authorization', () => {
  it('answers a request without credentials with 401 UnauthorizedException', async () => {
    const reply = await postGraphql(target, { query: MY_ROOMS }, null);
    expect(reply.status).toBe(401);
    expectAppSyncHeaders(reply);
    expect(reply.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(reply.body).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'Valid authorization header not provided.' }],
    });
  });

  it.each([
    ['a malformed token', () => 'not-a-jwt'],
    ['a token with a tampered signature', () => `${ada.accessToken.slice(0, -6)}AAAAAA`],
  ])('answers %s with 401 UnauthorizedException', async (_what, token) => {
    const reply = await postGraphql(target, { query: MY_ROOMS }, { token: token() });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    // AppSync's wording varies with what is wrong with the token; the shape does not.
    expect(reply.body).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }] });
  });
});

describe('validation', () => {
  it('answers 200 with data null and an error without errorType, at the offending field', async () => {
    const query = '{ myRooms { nope } }';
    const reply = await postGraphql(target, { query }, { token: ada.accessToken });
    expect(reply.status).toBe(200);
    // AppSync words it "Validation error of type FieldUndefined: …"; the local cloud uses graphql-js's wording
    // after the same prefix (docs/local-vs-aws.md).
    expect(reply.body).toEqual({
      data: null,
      errors: [{ path: null, locations: [locationOf(query, 'nope')], message: expect.stringMatching(/^Validation error/) }],
    });
  });
});

describe('malformed requests', () => {
  it.each([
    ['an empty body', '', 'Request body is empty.'],
    ['a body that is not JSON', 'meow', 'Unable to parse GraphQL query.'],
    ['a JSON body without a query', '{}', 'Unable to parse GraphQL query.'],
  ])('answers %s with 400 MalformedHttpRequestException', async (_what, body, message) => {
    const reply = await postGraphql(target, body, { token: ada.accessToken });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('x-amzn-errortype')).toBe('MalformedHttpRequestException');
    expect(reply.body).toEqual({ errors: [{ message, errorType: 'MalformedHttpRequestException' }] });
  });
});

describe('auth directives: user pools and IAM', () => {
  const ENSURE_LOBBY = 'mutation { ensurePublicRoom(id: "lobby", name: "Lobby") { id visibility } }';

  it('lets an IAM caller run an @aws_iam field', async () => {
    const reply = await postGraphql(target, { query: ENSURE_LOBBY }, { iam: true });
    expect(reply.body).toEqual({ data: { ensurePublicRoom: { id: 'lobby', visibility: 'PUBLIC' } } });
  });

  it('refuses a user the IAM-only field with a field-level Unauthorized', async () => {
    const reply = await postGraphql(target, { query: ENSURE_LOBBY }, { token: ada.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      data: null,
      errors: [
        {
          path: ['ensurePublicRoom'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [locationOf(ENSURE_LOBBY, 'ensurePublicRoom')],
          message: 'Not Authorized to access ensurePublicRoom on type Mutation',
        },
      ],
    });
  });

  it('refuses an IAM caller a field of the default mode only (user pools)', async () => {
    const query = '{ publicRooms { nextToken } }';
    const reply = await postGraphql(target, { query }, { iam: true, actingUserId: ada.sub });
    expect(reply.body).toMatchObject({
      data: null,
      errors: [
        {
          path: ['publicRooms'],
          errorType: 'Unauthorized',
          locations: [locationOf(query, 'publicRooms')],
          message: 'Not Authorized to access publicRooms on type Query',
        },
      ],
    });
  });

  it('lets an IAM caller act for the user it names, and only then', async () => {
    const acting = await postGraphql(target, { query: MY_ROOMS }, { iam: true, actingUserId: ada.sub });
    expect(acting.body).toEqual({ data: { myRooms: { items: [{ id: privateRoomId }], nextToken: null } } });
    const anonymous = await postGraphql(target, { query: MY_ROOMS }, { iam: true });
    expect(anonymous.body).toMatchObject({
      data: null,
      errors: [{ path: ['myRooms'], errorType: 'Unauthorized', message: expect.stringContaining('x-wavechat-user-id') }],
    });
  });
});
