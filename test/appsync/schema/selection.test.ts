import { describe, it, expect } from 'vitest';
import { graphql } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { loadSchema } from '../../../local/appsync/schema/load.js';
import { selectionInfo } from '../../../local/appsync/schema/selection.js';
import type { SelectionInfo } from '../../../local/appsync/schema/selection.js';

const schema = loadSchema(`
  interface Node { id: ID! }
  type Author implements Node { id: ID! authorId: ID! name: String posts: [Post] }
  type Comment implements Node { id: ID! text: String }
  type Post implements Node {
    id: ID!
    postId: ID!
    title: String
    content: String
    author(id: ID): Author
    secondAuthor(id: ID): Author
    comments(limit: Int, filter: AWSJSON, after: String, order: String): [Comment]
  }
  union SearchResult = Post | Author
  type Query {
    getPost(postId: ID!): Post
    node(id: ID!): Node
    search(q: String): [SearchResult]
    hello: String
  }
`);

/** Runs `source` and returns what `selectionInfo` computes for the root field `fieldName`. */
async function infoFor(
  fieldName: string,
  source: string,
  variableValues?: Record<string, unknown>,
): Promise<SelectionInfo> {
  let captured: SelectionInfo | undefined;
  const capture = (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
    captured = selectionInfo(info.fieldNodes, info.fragments, info.variableValues, info.schema, info.parentType);
    return null;
  };
  const result = await graphql({ schema, source, variableValues, rootValue: { [fieldName]: capture } });
  expect(result.errors).toBeUndefined();
  if (captured === undefined) throw new Error(`${fieldName} was not resolved`);
  return captured;
}

describe('selectionInfo', () => {
  it('prints the sub-selection only, with two-space indentation, as captured events show', async () => {
    const info = await infoFor('getPost', '{ getPost(postId: "1") { title id } }');
    expect(info).toEqual({ selectionSetList: ['title', 'id'], selectionSetGraphQL: '{\n  title\n  id\n}' });
  });

  it('reproduces the developer guide example: aliases, nesting, inline fragments and fragments', async () => {
    const info = await infoFor(
      'getPost',
      `query GetPost($postId: ID!, $authorId: ID) {
        getPost(postId: $postId) {
          postId
          title
          secondTitle: title
          content
          author(id: $authorId) { authorId name }
          secondAuthor(id: "789") { authorId }
          ... on Post { inlineFragComments: comments { id } }
          ... postFrag
        }
      }
      fragment postFrag on Post { postFragComments: comments { id } }`,
      { postId: '123', authorId: '456' },
    );
    expect(info.selectionSetList).toEqual([
      'postId',
      'title',
      'secondTitle',
      'content',
      'author',
      'author/authorId',
      'author/name',
      'secondAuthor',
      'secondAuthor/authorId',
      'inlineFragComments',
      'inlineFragComments/id',
      'postFragComments',
      'postFragComments/id',
    ]);
    expect(info.selectionSetGraphQL).toBe(
      [
        '{',
        '  postId',
        '  title',
        '  secondTitle: title',
        '  content',
        '  author(id: $authorId) {',
        '    authorId',
        '    name',
        '  }',
        '  secondAuthor(id: "789") {',
        '    authorId',
        '  }',
        '  ... on Post {',
        '    inlineFragComments: comments {',
        '      id',
        '    }',
        '  }',
        '  ...postFrag',
        '}',
      ].join('\n'),
    );
  });

  it('nests several levels deep, through fragments inside fragments', async () => {
    const info = await infoFor(
      'getPost',
      `{ getPost(postId: "1") { ...withAuthor } }
       fragment withAuthor on Post { author { ...authorParts } }
       fragment authorParts on Author { name posts { title comments { text } } }`,
    );
    expect(info.selectionSetList).toEqual([
      'author',
      'author/name',
      'author/posts',
      'author/posts/title',
      'author/posts/comments',
      'author/posts/comments/text',
    ]);
    expect(info.selectionSetGraphQL).toBe('{\n  ...withAuthor\n}');
  });

  it('merges fields selected twice under one response key', async () => {
    const info = await infoFor('getPost', '{ getPost(postId: "1") { author { name } id author { authorId name } } }');
    expect(info.selectionSetList).toEqual(['author', 'author/name', 'author/authorId', 'id']);
  });

  it('merges the selections of a root field requested twice', async () => {
    const info = await infoFor('getPost', '{ getPost(postId: "1") { id } getPost(postId: "1") { title } }');
    expect(info).toEqual({ selectionSetList: ['id', 'title'], selectionSetGraphQL: '{\n  id\n  title\n}' });
  });

  it('lists only selected fields under @skip/@include but prints the directives as written', async () => {
    const info = await infoFor(
      'getPost',
      `query($yes: Boolean!, $no: Boolean!) {
        getPost(postId: "1") {
          id
          title @skip(if: true)
          content @include(if: $no)
          author @include(if: $yes) { name }
          ... @skip(if: $yes) { postId }
        }
      }`,
      { yes: true, no: false },
    );
    expect(info.selectionSetList).toEqual(['id', 'author', 'author/name']);
    expect(info.selectionSetGraphQL).toBe(
      [
        '{',
        '  id',
        '  title @skip(if: true)',
        '  content @include(if: $no)',
        '  author @include(if: $yes) {',
        '    name',
        '  }',
        '  ... @skip(if: $yes) {',
        '    postId',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('lists only the interface fields under an interface type', async () => {
    const info = await infoFor(
      'node',
      '{ node(id: "1") { id __typename ... on Post { title author { name } } ... on Comment { id text } } }',
    );
    expect(info.selectionSetList).toEqual(['id', '__typename']);
  });

  it('lists only __typename under a union type', async () => {
    const info = await infoFor(
      'search',
      '{ search(q: "x") { __typename ... on Post { id title } ... on Author { name } } }',
    );
    expect(info.selectionSetList).toEqual(['__typename']);
    expect(info.selectionSetGraphQL).toBe(
      '{\n  __typename\n  ... on Post {\n    id\n    title\n  }\n  ... on Author {\n    name\n  }\n}',
    );
  });

  it('walks fragments on interfaces the concrete type implements', async () => {
    const info = await infoFor(
      'getPost',
      '{ getPost(postId: "1") { ... on Node { id } ...nodeId } } fragment nodeId on Node { id }',
    );
    expect(info.selectionSetList).toEqual(['id']);
  });

  it('keeps long argument lists and object values on one line', async () => {
    const info = await infoFor(
      'getPost',
      `{ getPost(postId: "1") {
          comments(limit: 10, filter: "{\\"text\\":{\\"contains\\":\\"hello\\"}}", after: "a-rather-long-cursor-value", order: "DESC") { id }
        } }`,
    );
    expect(info.selectionSetGraphQL).toBe(
      '{\n  comments(limit: 10, filter: "{\\"text\\":{\\"contains\\":\\"hello\\"}}", after: "a-rather-long-cursor-value", order: "DESC") {\n    id\n  }\n}',
    );
  });

  it('gives an empty list and text for a leaf field', async () => {
    expect(await infoFor('hello', '{ hello }')).toEqual({ selectionSetList: [], selectionSetGraphQL: '' });
  });
});
