/**
 * Loads an AppSync schema file the way AppSync reads it: AWS scalars and `@aws_*` directives are built in, custom
 * scalars and `AWS`-prefixed type names are refused, and `@aws_subscribe` must name existing, same-typed mutations.
 */
import {
  GraphQLSchema,
  Kind,
  extendSchema,
  isObjectType,
  parse,
  specifiedDirectives,
  validateSchema,
  visit,
} from 'graphql';
import type { DefinitionNode, DocumentNode, GraphQLDirective, GraphQLNamedType, GraphQLObjectType } from 'graphql';
import { SchemaError } from './errors.js';
import { awsScalarTypes } from './scalars.js';
import { subscriptionTriggers } from './triggers.js';

/**
 * AppSync's directives as its introspection reports them. A schema file may declare any of them itself (tools that
 * validate the file need that); its own declaration is then used.
 */
const AWS_DIRECTIVES_SDL = `
"Tells the service which mutations trigger this subscription."
directive @aws_subscribe("Mutations whose results this subscription receives." mutations: [String]) on FIELD_DEFINITION
"Tells the service which subscriptions this mutation publishes to. Deprecated: use @aws_subscribe."
directive @aws_publish(subscriptions: [String]) on FIELD_DEFINITION
"Access with an API key."
directive @aws_api_key on OBJECT | FIELD_DEFINITION
"Access with SigV4-signed requests."
directive @aws_iam on OBJECT | FIELD_DEFINITION
"Access with an OpenID Connect token."
directive @aws_oidc on OBJECT | FIELD_DEFINITION
"Access through the Lambda authorizer."
directive @aws_lambda on OBJECT | FIELD_DEFINITION
"Access with a Cognito user pool token, optionally only for members of the listed groups."
directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
"Legacy Cognito group authorization, honoured only when user pools are the API's single auth mode."
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
`;

const awsDirectives: readonly GraphQLDirective[] = (() => {
  const schema = extendSchema(new GraphQLSchema({}), parse(AWS_DIRECTIVES_SDL));
  return schema.getDirectives().filter((directive) => directive.name.startsWith('aws_'));
})();

const RESERVED_PREFIX = 'AWS';

const TYPE_DEFINITION_KINDS: ReadonlySet<string> = new Set([
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
]);

function parseSdl(sdl: string): DocumentNode {
  try {
    return parse(sdl);
  } catch (error) {
    throw new SchemaError(`The schema is not valid GraphQL: ${(error as Error).message}`, { cause: error });
  }
}

/** Refuses what AppSync refuses by name: custom scalars, and `AWS`-prefixed types other than its own scalars. */
function checkTypeNames(document: DocumentNode): void {
  for (const definition of document.definitions) {
    if (!TYPE_DEFINITION_KINDS.has(definition.kind) || !('name' in definition) || definition.name === undefined) {
      continue;
    }
    const name = definition.name.value;
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) {
      if (awsScalarTypes.has(name)) continue;
      throw new SchemaError(
        name.startsWith(RESERVED_PREFIX)
          ? `Scalar "${name}" is not an AppSync scalar: the ${RESERVED_PREFIX} prefix is reserved.`
          : `Custom scalar "${name}" is not supported: AppSync schemas may use only the GraphQL and AWS scalars.`,
      );
    }
    if (name.startsWith(RESERVED_PREFIX)) {
      throw new SchemaError(`Type name "${name}" is reserved: the ${RESERVED_PREFIX} prefix belongs to AppSync.`);
    }
  }
}

/** AWS scalars the file names or declares; only those join the schema, so introspection lists what is used. */
function awsScalarsUsed(document: DocumentNode): GraphQLNamedType[] {
  const used = new Set<string>();
  visit(document, {
    NamedType(node) {
      if (awsScalarTypes.has(node.name.value)) used.add(node.name.value);
    },
    ScalarTypeDefinition(node) {
      if (awsScalarTypes.has(node.name.value)) used.add(node.name.value);
    },
  });
  return [...used].map((name) => awsScalarTypes.get(name)!);
}

function declaredDirectiveNames(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.DIRECTIVE_DEFINITION) names.add(definition.name.value);
  }
  return names;
}

function isUserDefinition(definition: DefinitionNode): boolean {
  // A declared AWS scalar is replaced by the real one, which carries AppSync's validation.
  return !(definition.kind === Kind.SCALAR_TYPE_DEFINITION && awsScalarTypes.has(definition.name.value));
}

/** Root types come from a `schema { … }` block or, without one, from the conventional type names. */
function withRootTypes(schema: GraphQLSchema): GraphQLSchema {
  if (schema.astNode) return schema;
  const config = schema.toConfig();
  const root = (name: string): GraphQLObjectType | undefined => {
    const type = schema.getType(name);
    return isObjectType(type) ? type : undefined;
  };
  return new GraphQLSchema({
    ...config,
    query: root('Query'),
    mutation: root('Mutation'),
    subscription: root('Subscription'),
  });
}

/**
 * Builds the executable schema from an AppSync schema file.
 *
 * AWS scalars (with AppSync's validation, see `scalars.ts`) and the `@aws_*` directives are available without
 * declarations; declarations the file does contain are honoured (directives) or replaced by the real scalar.
 * Subscriptions' `@aws_subscribe` lists are checked as in {@link subscriptionTriggers}.
 *
 * @throws {SchemaError} on a syntax or validation error, a custom or `AWS`-prefixed scalar, an `AWS`-prefixed
 *   type name, or an `@aws_subscribe` naming a missing or differently typed mutation.
 * @example
 * const schema = loadSchema(`
 *   type Message { id: ID! body: String! sentAt: AWSDateTime! }
 *   type Query { message(id: ID!): Message }
 *   type Mutation { sendMessage(body: String!): Message }
 *   type Subscription { onMessage: Message @aws_subscribe(mutations: ["sendMessage"]) }
 * `);
 */
export function loadSchema(sdl: string): GraphQLSchema {
  const document = parseSdl(sdl);
  checkTypeNames(document);

  const declared = declaredDirectiveNames(document);
  const base = new GraphQLSchema({
    types: awsScalarsUsed(document),
    directives: [...specifiedDirectives, ...awsDirectives].filter((directive) => !declared.has(directive.name)),
  });
  const userDocument: DocumentNode = { ...document, definitions: document.definitions.filter(isUserDefinition) };

  let schema: GraphQLSchema;
  try {
    schema = withRootTypes(extendSchema(base, userDocument));
  } catch (error) {
    throw new SchemaError(`The schema is not valid: ${(error as Error).message}`, { cause: error });
  }
  const problems = validateSchema(schema);
  if (problems.length > 0) {
    throw new SchemaError(`The schema is not valid: ${problems.map((problem) => problem.message).join('\n\n')}`, {
      cause: problems,
    });
  }
  subscriptionTriggers(schema);
  return schema;
}
