/**
 * The `extensions` global: subscription filters, subscription invalidation and API-cache eviction. Calls are
 * recorded in the current run's {@link RunEffects}; the engine acts on them (and enforces AppSync's limits).
 */
import type { FieldFilter, SubscriptionFilter } from '../../subscriptions/types.js';
import type { RunEffects } from '../types.js';
import { UtilArgumentError } from './errors.js';
import { canonicalJson, isRecord, jsonCopy } from './values.js';

/**
 * Checks the shape of a subscription filter (`{ filterGroup: [{ filters: [{ fieldName, operator, value }] }] }`,
 * as returned by `util.transform.toSubscriptionFilter`; a JSON string of it is accepted too) and copies it.
 */
export function readSubscriptionFilter(filter: unknown, functionName: string): SubscriptionFilter {
  let value = filter;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new UtilArgumentError(functionName, 'the filter string is not JSON');
    }
  }
  const fail = (problem: string): never => {
    throw new UtilArgumentError(
      functionName,
      `${problem} (expected { filterGroup: [{ filters: [{ fieldName, operator, value }] }] })`,
    );
  };
  if (!isRecord(value) || !Array.isArray(value.filterGroup)) return fail('the filter has no filterGroup list');
  const filterGroup = (value.filterGroup as unknown[]).map((group) => {
    if (!isRecord(group) || !Array.isArray(group.filters)) return fail('a filter group has no filters list');
    const filters = (group.filters as unknown[]).map((entry): FieldFilter => {
      if (!isRecord(entry) || typeof entry.fieldName !== 'string' || typeof entry.operator !== 'string') {
        return fail('a filter needs a fieldName and an operator');
      }
      return {
        fieldName: entry.fieldName,
        operator: entry.operator as FieldFilter['operator'],
        value: jsonCopy(entry.value),
      };
    });
    return { filters };
  });
  return { filterGroup };
}

/** Creates the `extensions` object; `effects` returns the effects of the handler call in progress. */
export function createExtensions(effects: () => RunEffects) {
  return {
    /** Records an eviction (no API cache locally). */
    evictFromApiCache(typeName: string, fieldName: string, keyValuePair: Record<string, unknown>): void {
      if (typeof typeName !== 'string' || typeof fieldName !== 'string' || !isRecord(keyValuePair)) {
        throw new UtilArgumentError(
          'extensions.evictFromApiCache',
          'expected (typeName, fieldName, { cachingKey: value })',
        );
      }
      effects().cacheEvictions.push({ typeName, fieldName, keys: jsonCopy(keyValuePair) as Record<string, unknown> });
    },
    /** Sets the enhanced filter of the subscription being registered (the last call wins). */
    setSubscriptionFilter(filter: SubscriptionFilter): void {
      effects().subscriptionFilter = readSubscriptionFilter(filter, 'extensions.setSubscriptionFilter');
    },
    /** Sets the filter that invalidation payloads are matched against (the last call wins). */
    setSubscriptionInvalidationFilter(filter: SubscriptionFilter): void {
      effects().invalidationFilter = readSubscriptionFilter(filter, 'extensions.setSubscriptionInvalidationFilter');
    },
    /** Records an invalidation; an identical call (same field and payload) is recorded once. */
    invalidateSubscriptions(invalidation: { subscriptionField: string; payload: Record<string, unknown> }): void {
      if (
        !isRecord(invalidation) ||
        typeof invalidation.subscriptionField !== 'string' ||
        !isRecord(invalidation.payload)
      ) {
        throw new UtilArgumentError('extensions.invalidateSubscriptions', 'expected { subscriptionField, payload }');
      }
      const recorded = {
        subscriptionField: invalidation.subscriptionField,
        payload: jsonCopy(invalidation.payload) as Record<string, unknown>,
      };
      const { invalidations } = effects();
      const key = canonicalJson(recorded);
      if (!invalidations.some((existing) => canonicalJson(existing) === key)) invalidations.push(recorded);
    },
  };
}
