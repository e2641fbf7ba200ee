import { describe, expect, it } from 'vitest';
import { InvalidPaginationTokenError } from '../../../local/appsync/datasources/errors.js';
import { createNextTokenCodec } from '../../../local/appsync/datasources/dynamodb/next-token.js';

const scope = { scope: 'Query.listMessages', table: 'messages' };
const lastEvaluatedKey = { roomId: { S: 'r1' }, sentAt: { N: '17' }, bin: { B: Buffer.from([1, 2, 255]) } };

describe('nextToken codec', () => {
  const codec = createNextTokenCodec(Buffer.from('test-key'));

  it('round-trips a LastEvaluatedKey within its scope, looking like an AppSync token', () => {
    const token = codec.encode(lastEvaluatedKey, scope);
    expect(token).toMatch(/^eyJ2ZXJzaW9uIjox/); // base64 of {"version":1
    expect(token).not.toContain('r1');
    expect(codec.decode(token as string, scope)).toEqual(lastEvaluatedKey);
  });

  it('is null when there is no further page', () => {
    expect(codec.encode(undefined, scope)).toBeNull();
    expect(codec.encode({}, scope)).toBeNull();
  });

  it.each([
    ['another resolver', { ...scope, scope: 'Query.listRooms' }],
    ['another table', { ...scope, table: 'rooms' }],
  ])('refuses a token used by %s', (_, otherScope) => {
    const token = codec.encode(lastEvaluatedKey, scope) as string;
    expect(() => codec.decode(token, otherScope)).toThrow(InvalidPaginationTokenError);
  });

  it('refuses a token whose content was altered (signature check)', () => {
    const token = codec.encode(lastEvaluatedKey, scope) as string;
    const envelope = JSON.parse(Buffer.from(token, 'base64').toString()) as { token: string };
    const body = JSON.parse(Buffer.from(envelope.token, 'base64').toString()) as { key: { roomId: { S: string } } };
    body.key.roomId.S = 'r2';
    const forged = Buffer.from(
      JSON.stringify({ ...envelope, token: Buffer.from(JSON.stringify(body)).toString('base64') }),
    ).toString('base64');
    expect(() => codec.decode(forged, scope)).toThrow(InvalidPaginationTokenError);
  });

  it('refuses tokens signed with another key and strings that are no token', () => {
    const foreign = createNextTokenCodec(Buffer.from('other-key')).encode(lastEvaluatedKey, scope) as string;
    expect(() => codec.decode(foreign, scope)).toThrow(InvalidPaginationTokenError);
    expect(() => codec.decode('not-a-token', scope)).toThrow(InvalidPaginationTokenError);
    expect(() => codec.decode(Buffer.from('{"version":2}').toString('base64'), scope)).toThrow(
      InvalidPaginationTokenError,
    );
  });

  it('uses a random key by default, so two codecs do not accept each other’s tokens', () => {
    const token = createNextTokenCodec().encode(lastEvaluatedKey, scope) as string;
    expect(() => createNextTokenCodec().decode(token, scope)).toThrow(InvalidPaginationTokenError);
  });
});
