/** AppSync enhanced subscription filters (`extensions.setSubscriptionFilter`): groups OR-ed, filters AND-ed. */
export type FilterOperator =
  | 'eq'
  | 'ne'
  | 'le'
  | 'lt'
  | 'ge'
  | 'gt'
  | 'contains'
  | 'notContains'
  | 'beginsWith'
  | 'in'
  | 'notIn'
  | 'between'
  | 'containsAny';

export interface FieldFilter {
  readonly fieldName: string;
  readonly operator: FilterOperator;
  readonly value: unknown;
}

export interface SubscriptionFilter {
  readonly filterGroup: readonly { readonly filters: readonly FieldFilter[] }[];
}
