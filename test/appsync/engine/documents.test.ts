import { buildSchema, GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../../local/appsync/engine/documents.js';

const schema = buildSchema(`
  type Query { room(id: ID!): Room }
  type Room { id: ID! name: String }
`);

describe('DocumentCache', () => {
  it('parses and validates a query text once and hands out the same document after', () => {
    const documents = new DocumentCache(schema);
    const first = documents.prepare('query Q($id: ID!) { room(id: $id) { id name } }');
    const again = documents.prepare('query Q($id: ID!) { room(id: $id) { id name } }');
    expect(again).toBe(first);
    expect(first.validationErrors).toEqual([]);
    expect(first.printed).toBe('query Q($id: ID!) {\n  room(id: $id) {\n    id\n    name\n  }\n}');
  });

  it('keeps validation errors with the document, so an invalid query is answered the same each time', () => {
    const documents = new DocumentCache(schema);
    const prepared = documents.prepare('{ room(id: "1") { nope } }');
    expect(prepared.validationErrors.map((e) => e.message)).toEqual(['Cannot query field "nope" on type "Room". Did you mean "name"?']);
    expect(documents.prepare('{ room(id: "1") { nope } }')).toBe(prepared);
  });

  it('throws the syntax error for a text that does not parse, every time, and keeps nothing', () => {
    const documents = new DocumentCache(schema);
    expect(() => documents.prepare('{ room(')).toThrow(GraphQLError);
    expect(() => documents.prepare('{ room(')).toThrow(/Syntax Error/);
    expect(documents.size).toBe(0);
  });

  it('drops the least recently used text beyond its capacity', () => {
    const documents = new DocumentCache(schema, 2);
    const a = documents.prepare('{ room(id: "a") { id } }');
    const b = documents.prepare('{ room(id: "b") { id } }');
    expect(documents.prepare('{ room(id: "a") { id } }')).toBe(a);
    documents.prepare('{ room(id: "c") { id } }');
    expect(documents.size).toBe(2);
    expect(documents.prepare('{ room(id: "a") { id } }')).toBe(a);
    expect(documents.prepare('{ room(id: "b") { id } }')).not.toBe(b);
  });
});
