import { describe, it, expect } from 'vitest';
import { buildSchema, getDirectiveValues, graphql } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { loadSchema } from '../../../local/appsync/schema/load.js';
import { subscriptionTriggers } from '../../../local/appsync/schema/triggers.js';
import { SchemaError } from '../../../local/appsync/schema/errors.js';
import { awsScalarTypes } from '../../../local/appsync/schema/scalars.js';

const CHAT_SCHEMA = `
  type Message @aws_cognito_user_pools @aws_iam {
    id: ID!
    roomId: ID!
    body: String!
    sentAt: AWSDateTime!
    meta: AWSJSON
  }

  type Query {
    message(id: ID!): Message @aws_api_key @aws_cognito_user_pools(cognito_groups: ["admins"])
  }

  type Mutation {
    sendMessage(roomId: ID!, body: String!): Message! @aws_auth(cognito_groups: ["writers"]) @aws_oidc @aws_lambda
    editMessage(id: ID!, body: String!): Message
    deleteRoom(roomId: ID!): ID
  }

  type Subscription {
    onMessage(roomId: ID): Message @aws_subscribe(mutations: ["sendMessage", "editMessage"])
    onRoomMessage(roomId: ID!): Message @aws_subscribe(mutations: ["sendMessage", "sendMessage"])
    onAnything: Message
  }
`;

function expectSchemaError(load: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    load();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SchemaError);
  expect((thrown as SchemaError).message).toMatch(message);
}

function appliedDirective(schema: GraphQLSchema, typeName: string, fieldName: string, directive: string) {
  const type = schema.getType(typeName);
  if (type === undefined || !('getFields' in type)) throw new Error(`no type ${typeName}`);
  const field = type.getFields()[fieldName];
  const definition = schema.getDirective(directive);
  if (field?.astNode == null || definition == null) throw new Error(`no ${typeName}.${fieldName} or @${directive}`);
  return getDirectiveValues(definition, field.astNode);
}

describe('loadSchema without declarations in the file', () => {
  const schema = loadSchema(CHAT_SCHEMA);

  it('provides the AWS scalars the file uses, with AppSync validation', async () => {
    expect(schema.getType('AWSDateTime')?.description).toBe(awsScalarTypes.get('AWSDateTime')?.description);
    const result = await graphql({
      schema,
      source: '{ message(id: "1") { sentAt meta } }',
      rootValue: { message: () => ({ sentAt: '2024-01-01T00:00:00', meta: { read: true } }) },
    });
    expect(result.errors?.[0]?.message).toBe('Unable to serialize `2024-01-01T00:00:00` as a valid DateTime Object.');
    // sentAt is non-null, so the error nulls the message.
    expect(result.data).toEqual({ message: null });
    const meta = await graphql({
      schema,
      source: '{ message(id: "1") { meta } }',
      rootValue: { message: () => ({ meta: { read: true } }) },
    });
    expect(meta.data).toEqual({ message: { meta: '{"read":true}' } });
  });

  it('leaves out AWS scalars the file does not use', () => {
    expect(schema.getType('AWSPhone')).toBeUndefined();
  });

  it('declares the @aws_* directives and keeps their arguments readable', () => {
    for (const name of [
      'aws_subscribe',
      'aws_publish',
      'aws_api_key',
      'aws_iam',
      'aws_oidc',
      'aws_lambda',
      'aws_cognito_user_pools',
      'aws_auth',
    ]) {
      expect(schema.getDirective(name), name).toBeDefined();
    }
    expect(schema.getDirective('deprecated')).toBeDefined();
    expect(appliedDirective(schema, 'Query', 'message', 'aws_cognito_user_pools')).toEqual({
      cognito_groups: ['admins'],
    });
    expect(appliedDirective(schema, 'Mutation', 'sendMessage', 'aws_auth')).toEqual({ cognito_groups: ['writers'] });
    expect(schema.getType('Message')?.astNode?.directives?.map((directive) => directive.name.value)).toEqual([
      'aws_cognito_user_pools',
      'aws_iam',
    ]);
  });

  it('takes the conventional root type names', () => {
    expect(schema.getQueryType()?.name).toBe('Query');
    expect(schema.getMutationType()?.name).toBe('Mutation');
    expect(schema.getSubscriptionType()?.name).toBe('Subscription');
  });
});

describe('loadSchema with declarations in the file', () => {
  const schema = loadSchema(`
    scalar AWSDateTime
    scalar AWSPhone
    directive @aws_subscribe(mutations: [String!]!) on FIELD_DEFINITION
    directive @aws_api_key on OBJECT | FIELD_DEFINITION | INTERFACE

    interface Node @aws_api_key { id: ID! }
    type Contact implements Node { id: ID! phone: AWSPhone at: AWSDateTime }
    type Query { contact(id: ID!): Contact }
    type Mutation { addContact(phone: AWSPhone!): Contact }
    type Subscription { onContact: Contact @aws_subscribe(mutations: ["addContact"]) }
  `);

  it('replaces declared AWS scalars with the validating ones', async () => {
    expect(schema.getType('AWSPhone')?.description).toBe(awsScalarTypes.get('AWSPhone')?.description);
    const result = await graphql({
      schema,
      source: 'mutation($p: AWSPhone!) { addContact(phone: $p) { id } }',
      variableValues: { p: '1110004444' },
    });
    expect(result.errors?.[0]?.message).toContain('Unable to parse `1110004444` as a valid phone number.');
  });

  it("uses the file's own directive declarations", () => {
    expect(schema.getDirective('aws_subscribe')?.args[0]?.type.toString()).toBe('[String!]!');
    expect(schema.getDirective('aws_api_key')?.locations).toContain('INTERFACE');
    expect(schema.getDirective('aws_iam')?.locations).toEqual(['OBJECT', 'FIELD_DEFINITION']);
    expect(subscriptionTriggers(schema).get('addContact')).toEqual(['onContact']);
  });
});

describe('loadSchema refusals', () => {
  it('honours a schema block naming other root types', () => {
    const schema = loadSchema(`
      schema { query: RootQuery mutation: RootMutation }
      type RootQuery { ping: String }
      type RootMutation { pong: String }
      type Query { unused: String }
    `);
    expect(schema.getQueryType()?.name).toBe('RootQuery');
    expect(schema.getMutationType()?.name).toBe('RootMutation');
    expect(schema.getSubscriptionType()).toBeUndefined();
  });

  it.each([
    ['type AWSThing { id: ID }\ntype Query { a: AWSThing }', /Type name "AWSThing" is reserved/],
    ['enum AWSColor { RED }\ntype Query { a: AWSColor }', /Type name "AWSColor" is reserved/],
    ['input AWSInput { a: Int }\ntype Query { a(i: AWSInput): Int }', /Type name "AWSInput" is reserved/],
    [
      'scalar AWSMoney\ntype Query { a: AWSMoney }',
      /Scalar "AWSMoney" is not an AppSync scalar: the AWS prefix is reserved/,
    ],
    ['scalar Money\ntype Query { a: Money }', /Custom scalar "Money" is not supported/],
  ])('refuses reserved or custom type names: %s', (sdl, message) => {
    expectSchemaError(() => loadSchema(sdl), message);
  });

  it.each([
    ['type Query { a: String', /not valid GraphQL: Syntax Error/],
    ['type Query { a: Unknown }', /Unknown type "Unknown"/],
    ['type Query { a: String @model }', /Unknown directive "@model"/],
    [
      'type Query { a: String @aws_subscribe(mutations: ["x"]) @aws_subscribe(mutations: ["y"]) }',
      /can only be used once/,
    ],
    ['type Mutation { a: String }', /Query root type must be provided/],
    ['type Query { a: AWSDateTime }\ntype Query { b: String }', /There can be only one type named "Query"/],
  ])('refuses invalid schemas: %s', (sdl, message) => {
    expectSchemaError(() => loadSchema(sdl), message);
  });
});

describe('subscriptionTriggers', () => {
  it('maps each mutation to the subscriptions that name it, without duplicates', () => {
    const triggers = subscriptionTriggers(loadSchema(CHAT_SCHEMA));
    expect([...triggers.entries()]).toEqual([
      ['sendMessage', ['onMessage', 'onRoomMessage']],
      ['editMessage', ['onMessage']],
    ]);
    expect(triggers.get('deleteRoom')).toBeUndefined();
  });

  it('ignores nullability when comparing return types', () => {
    const schema = loadSchema(`
      type Item { id: ID! }
      type Query { item: Item }
      type Mutation { put: Item! putMany: [Item!]! }
      type Subscription {
        onPut: Item @aws_subscribe(mutations: ["put"])
        onPutMany: [Item] @aws_subscribe(mutations: ["putMany"])
      }
    `);
    expect(subscriptionTriggers(schema).get('putMany')).toEqual(['onPutMany']);
  });

  it('is empty without a subscription type', () => {
    expect(subscriptionTriggers(loadSchema('type Query { a: String }')).size).toBe(0);
  });

  const unchecked = (subscription: string): GraphQLSchema =>
    buildSchema(`
      directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
      type Post { id: ID! }
      type Comment { id: ID! }
      type Query { post: Post }
      type Mutation { addPost: Post addComment: Comment addPosts: [Post] }
      type Subscription { ${subscription} }
    `);

  it('throws SchemaError when a named mutation does not exist', () => {
    const sdl = 'onPost: Post @aws_subscribe(mutations: ["addPost", "removePost"])';
    expectSchemaError(
      () => subscriptionTriggers(unchecked(sdl)),
      /@aws_subscribe on Subscription.onPost names mutation "removePost", which does not exist\./,
    );
    expectSchemaError(
      () =>
        loadSchema(`
          type Post { id: ID! }
          type Query { post: Post }
          type Subscription { ${sdl} }
        `),
      /names mutation "addPost", which does not exist/,
    );
  });

  it('throws SchemaError when a named mutation returns another type', () => {
    expectSchemaError(
      () => subscriptionTriggers(unchecked('onPost: Post @aws_subscribe(mutations: ["addComment"])')),
      /names mutation "addComment", which returns Comment; the subscription returns Post, and the types must match\./,
    );
    expectSchemaError(
      () => subscriptionTriggers(unchecked('onPost: Post @aws_subscribe(mutations: ["addPosts"])')),
      /returns \[Post\]; the subscription returns Post/,
    );
  });
});
