/**
 * Live subscriptions: registration, fan-out of published mutation results, and invalidation.
 *
 * A published payload is the mutation's result cut to the mutation's own selection set; each subscriber then
 * sees it through its own selection set. Projection is done once per distinct subscription document and
 * variables, not once per subscriber.
 */
import { defaultFieldResolver, executeSync, type DocumentNode } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { SubscriptionFilter } from '../subscriptions/types.js';
import { matchesArguments, matchesSubscriptionFilter } from '../subscriptions/filters.js';
import type { SubscriptionSink } from '../realtime/types.js';

export interface Subscription {
  readonly connectionId: string;
  readonly subscriptionId: string;
  /** The Subscription field. */
  readonly field: string;
  readonly document: DocumentNode;
  readonly variables: Record<string, unknown>;
  /** Identifies the projection: equal documents and variables share one. */
  readonly projectionKey: string;
  readonly args: Record<string, unknown>;
  /** Enhanced filter set by the subscription resolver; argument filtering applies when null. */
  readonly filter: SubscriptionFilter | null;
  readonly invalidationFilter: SubscriptionFilter | null;
  readonly sink: SubscriptionSink;
}

export class SubscriptionRegistry {
  private readonly byField = new Map<string, Set<Subscription>>();
  private readonly byConnection = new Map<string, Map<string, Subscription>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** Whether this connection already uses the id. */
  has(connectionId: string, subscriptionId: string): boolean {
    return this.byConnection.get(connectionId)?.has(subscriptionId) ?? false;
  }

  add(subscription: Subscription): void {
    let field = this.byField.get(subscription.field);
    if (!field) this.byField.set(subscription.field, (field = new Set()));
    field.add(subscription);
    let connection = this.byConnection.get(subscription.connectionId);
    if (!connection) this.byConnection.set(subscription.connectionId, (connection = new Map()));
    connection.set(subscription.subscriptionId, subscription);
  }

  remove(connectionId: string, subscriptionId: string): void {
    const connection = this.byConnection.get(connectionId);
    const subscription = connection?.get(subscriptionId);
    if (!connection || !subscription) return;
    connection.delete(subscriptionId);
    if (connection.size === 0) this.byConnection.delete(connectionId);
    this.byField.get(subscription.field)?.delete(subscription);
  }

  removeConnection(connectionId: string): void {
    for (const subscriptionId of [...(this.byConnection.get(connectionId)?.keys() ?? [])]) {
      this.remove(connectionId, subscriptionId);
    }
  }

  /** Delivers a payload to every matching subscriber of the field. */
  publish(field: string, payload: Record<string, unknown>): void {
    const subscribers = this.byField.get(field);
    if (!subscribers) return;
    const projections = new Map<string, unknown>();
    for (const subscription of subscribers) {
      const matches = subscription.filter
        ? matchesSubscriptionFilter(subscription.filter, payload)
        : matchesArguments(subscription.args, payload);
      if (!matches) continue;
      let data = projections.get(subscription.projectionKey);
      if (data === undefined) {
        data = this.project(subscription, payload);
        projections.set(subscription.projectionKey, data);
      }
      subscription.sink.next(data);
    }
  }

  /** Ends the field's subscriptions whose invalidation filter matches the payload. */
  invalidate(field: string, payload: Record<string, unknown>): void {
    for (const subscription of [...(this.byField.get(field) ?? [])]) {
      if (subscription.invalidationFilter && matchesSubscriptionFilter(subscription.invalidationFilter, payload)) {
        this.remove(subscription.connectionId, subscription.subscriptionId);
        subscription.sink.close();
      }
    }
  }

  /** The subscriber's selection over the payload; nested fields read the payload, no resolvers run. */
  private project(subscription: Subscription, payload: Record<string, unknown>): unknown {
    const result = executeSync({
      schema: this.schema,
      document: subscription.document,
      rootValue: { [subscription.field]: payload },
      variableValues: subscription.variables,
      fieldResolver: defaultFieldResolver,
    });
    return result.data ?? null;
  }
}
