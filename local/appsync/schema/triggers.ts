/** Which subscriptions a mutation publishes to, from `@aws_subscribe(mutations: [...])`. */
import { getDirectiveValues, isListType, isNonNullType } from 'graphql';
import type { GraphQLField, GraphQLSchema, GraphQLType } from 'graphql';
import { SchemaError } from './errors.js';

/** The type's shape with non-null markers dropped: `[Post!]!` and `[Post]` are both `[Post]`. */
function shapeOf(type: GraphQLType): string {
  if (isNonNullType(type)) return shapeOf(type.ofType);
  if (isListType(type)) return `[${shapeOf(type.ofType)}]`;
  return type.name;
}

function subscribedMutations(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): readonly unknown[] {
  const directive = schema.getDirective('aws_subscribe');
  if (directive == null || field.astNode == null) return [];
  let values: Record<string, unknown> | undefined;
  try {
    values = getDirectiveValues(directive, field.astNode);
  } catch (error) {
    throw new SchemaError(`@aws_subscribe on Subscription.${field.name} is invalid: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const mutations = values?.['mutations'];
  return Array.isArray(mutations) ? mutations : [];
}

/**
 * Maps each mutation field name to the subscription fields whose `@aws_subscribe` lists it, in schema order.
 *
 * Nullability is ignored when comparing return types (`Post` matches `Post!`); named types and list nesting must
 * be equal. `loadSchema` runs this check; the engine calls it once to know where each mutation's result goes.
 *
 * @throws {SchemaError} when `@aws_subscribe` names a mutation that does not exist or returns a different type.
 * @example
 * const triggers = subscriptionTriggers(schema);
 * triggers.get('sendMessage'); // ['onMessage', 'onRoomMessage']
 */
export function subscriptionTriggers(schema: GraphQLSchema): ReadonlyMap<string, readonly string[]> {
  const triggers = new Map<string, string[]>();
  const subscriptionType = schema.getSubscriptionType();
  if (subscriptionType == null) return triggers;
  const mutationFields = schema.getMutationType()?.getFields() ?? {};

  for (const field of Object.values(subscriptionType.getFields())) {
    for (const mutationName of subscribedMutations(schema, field)) {
      if (typeof mutationName !== 'string') continue;
      const mutation = mutationFields[mutationName];
      if (mutation === undefined) {
        throw new SchemaError(
          `@aws_subscribe on Subscription.${field.name} names mutation "${mutationName}", which does not exist.`,
        );
      }
      if (shapeOf(mutation.type) !== shapeOf(field.type)) {
        throw new SchemaError(
          `@aws_subscribe on Subscription.${field.name} names mutation "${mutationName}", which returns ` +
            `${mutation.type.toString()}; the subscription returns ${field.type.toString()}, and the types must match.`,
        );
      }
      const subscriptions = triggers.get(mutationName) ?? [];
      if (!subscriptions.includes(field.name)) subscriptions.push(field.name);
      triggers.set(mutationName, subscriptions);
    }
  }
  return triggers;
}
