/** The bridge's pure parts: selections against the schema, handshake parsing, bounded concurrency, route selection. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
  type GraphQLObjectType,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../../local/appsync/schema/load.js';
import {
  BRIDGE_DOCUMENTS,
  MEMBERSHIP_SELECTION,
  MESSAGE_SELECTION,
  TYPING_SELECTION,
} from '../../lambdas/shared/chat-api.js';
import { mapWithConcurrency } from '../../lambdas/shared/concurrency.js';
import { handshakeToken, offeredSubprotocols } from '../../lambdas/websocket/handshake.js';
import { ROOT_DIR } from '../support/cloud.js';
import { selectRoute } from './support/gateway.js';

const schema = loadSchema(readFileSync(path.join(ROOT_DIR, 'schema.graphql'), 'utf8'));

/** Fields the schema asks subscribers not to select (caller-relative). */
const NOT_FOR_SUBSCRIBERS = new Set(['Room.myMembership']);

/** The `Type.field` paths of `typeName` (recursively) that `selection` leaves out. */
function unselected(typeName: string, selection: string): string[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`schema.graphql has no object type ${typeName}`);
  const operation = parse(`{ ${selection} }`).definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not a selection');
  const missing: string[] = [];
  const walk = (objectType: GraphQLObjectType, selectionSet: SelectionSetNode) => {
    for (const field of Object.values(objectType.getFields())) {
      const name = `${objectType.name}.${field.name}`;
      if (NOT_FOR_SUBSCRIBERS.has(name)) continue;
      const node = selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === field.name);
      if (node?.kind !== Kind.FIELD) {
        missing.push(name);
        continue;
      }
      const fieldType = getNamedType(field.type);
      if (isObjectType(fieldType) && node.selectionSet) walk(fieldType, node.selectionSet);
    }
  };
  walk(type, operation.selectionSet);
  return missing;
}

describe('the bridge’s GraphQL operations', () => {
  it('are valid against schema.graphql', () => {
    for (const [name, document] of Object.entries(BRIDGE_DOCUMENTS)) {
      expect(validate(schema, parse(document)).map((error) => error.message), name).toEqual([]);
    }
  });

  it('select every field subscribers may ask for, since AppSync publishes only what the mutation selected', () => {
    expect(unselected('Message', MESSAGE_SELECTION)).toEqual([]);
    expect(unselected('Membership', MEMBERSHIP_SELECTION)).toEqual([]);
    expect(unselected('TypingEvent', TYPING_SELECTION)).toEqual([]);
  });
});

describe('handshake', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';

  it('takes the token from ?token= first, else from a JWT-shaped subprotocol', () => {
    expect(handshakeToken({ queryStringParameters: { token: 'from-query' }, headers: { 'Sec-WebSocket-Protocol': `wavechat, ${jwt}` } })).toBe(
      'from-query',
    );
    expect(handshakeToken({ headers: { 'sec-websocket-protocol': `wavechat,${jwt}` } })).toBe(jwt);
    expect(handshakeToken({ headers: { 'Sec-WebSocket-Protocol': 'wavechat, graphql-ws' } })).toBeUndefined();
    expect(handshakeToken({ queryStringParameters: { token: '' } })).toBeUndefined();
  });

  it('lists offered subprotocols in order, whatever the header case', () => {
    expect(offeredSubprotocols({ 'SEC-WEBSOCKET-PROTOCOL': ' a ,b,, c' })).toEqual(['a', 'b', 'c']);
    expect(offeredSubprotocols(null)).toEqual([]);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and returns results in item order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([30, 5, 20, 1, 10, 1, 15], 3, async (delay, index) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delay));
      inFlight -= 1;
      return index;
    });
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(3);
  });

  it('rejects with the first error, and starts nothing after it', async () => {
    const started: number[] = [];
    const outcome = mapWithConcurrency([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 2) throw new Error('two');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return item;
    });
    await expect(outcome).rejects.toThrow('two');
    expect(started).toEqual([1, 2]);
  });
});

describe('data access', () => {
  it('no function reads the chat table with a Scan', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
      );
    const files = sources(path.join(ROOT_DIR, 'lambdas'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/\bScanCommand\b|\.scan\(/);
  });
});

describe('route selection as the test gateway plays it', () => {
  it('routes by action, and anything else to $default', () => {
    expect(selectRoute('{"action":"sendmessage","message":"hi"}')).toBe('sendmessage');
    expect(selectRoute('{"action":"$connect"}')).toBe('$default');
    expect(selectRoute('{"action":"SendMessage"}')).toBe('$default');
    expect(selectRoute('hello')).toBe('$default');
  });
});
