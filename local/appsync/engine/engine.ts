/**
 * Executes GraphQL operations the way AppSync does: field auth from directives, resolvers from the API
 * description run by the APPSYNC_JS runtime, AppSync's error shapes, and `@aws_subscribe` fan-out of mutation
 * results to real-time subscribers.
 */
import {
  GraphQLError,
  Kind,
  defaultFieldResolver,
  execute,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthMode } from '../description.js';
import type { Authentication } from '../auth/types.js';
import { isFieldAuthorized } from '../auth/index.js';
import type { DataSource } from '../datasources/types.js';
import type { AppSyncJsRuntime } from '../runtime/index.js';
import type { GraphqlErrorRecord, ResolverRunInput } from '../runtime/types.js';
import { selectionInfo } from '../schema/selection.js';
import { validateSubscriptionFilter } from '../subscriptions/filters.js';
import { FieldError, unauthorizedField } from './errors.js';
import { resolverKey, type LoadedApi, type LoadedResolver } from './load.js';
import { runResolver } from './resolve.js';
import type { StartResult, SubscriptionStartRequest } from '../realtime/types.js';
import { SubscriptionRegistry } from './subscriptions.js';
import { DocumentCache, type PreparedDocument } from './documents.js';

/** AppSync allows this many distinct `extensions.invalidateSubscriptions` calls per request. */
const MAX_INVALIDATIONS_PER_REQUEST = 5;

/** One GraphQL request, already authenticated. */
export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown> | null;
  readonly operationName?: string | null;
  readonly auth: Authentication;
  /** Request headers, names lower-case (`ctx.request.headers`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** An error entry as AppSync writes it in `errors[]`. */
export interface AppSyncErrorEntry {
  readonly path: readonly (string | number)[] | null;
  readonly data?: unknown;
  readonly errorType?: string | null;
  readonly errorInfo?: unknown;
  readonly locations: readonly { line: number; column: number; sourceName: null }[] | null;
  readonly message: string;
}

export interface GraphqlResponse {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly AppSyncErrorEntry[];
}

/** The request could not be parsed (AppSync answers HTTP 400). */
export class MalformedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedQueryError';
  }
}

export interface GraphqlEngineOptions {
  readonly api: LoadedApi;
  readonly runtime: AppSyncJsRuntime;
  readonly dataSources: ReadonlyMap<string, DataSource>;
  /** `ctx.env`, with table references already resolved. */
  readonly env: Readonly<Record<string, string>>;
}

/** Per-request state shared by the field resolvers. */
interface ExecutionState {
  readonly auth: Authentication;
  readonly headers: Readonly<Record<string, string>>;
  readonly fragments: Record<string, FragmentDefinitionNode>;
  readonly appended: AppSyncErrorEntry[];
  readonly invalidations: Map<string, { subscriptionField: string; payload: Record<string, unknown> }>;
}

/**
 * @example
 * ```ts
 * const engine = new GraphqlEngine({ api, runtime, dataSources, env });
 * const response = await engine.execute({ query: '{ myRooms { items { id } } }', auth, headers: {} });
 * ```
 */
export class GraphqlEngine {
  readonly subscriptions: SubscriptionRegistry;
  private readonly documents: DocumentCache;
  private readonly authApi: { defaultMode: AuthMode; additionalModesEnabled: boolean };

  constructor(private readonly options: GraphqlEngineOptions) {
    this.subscriptions = new SubscriptionRegistry(options.api.schema);
    this.documents = new DocumentCache(options.api.schema);
    const authorization = options.api.definition.authorization;
    this.authApi = {
      defaultMode: authorization.defaultMode,
      additionalModesEnabled: (authorization.additionalModes ?? []).length > 0,
    };
  }

  /** Runs a query or mutation; throws {@link MalformedQueryError} when the query does not parse. */
  async execute(request: GraphqlRequest): Promise<GraphqlResponse> {
    const { schema } = this.options.api;
    const { document, validationErrors } = this.prepare(request.query);
    if (validationErrors.length > 0) {
      return { data: null, errors: validationErrors.map((e) => validationEntry(e)) };
    }
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (!operation) {
      return { data: null, errors: [requestError('Unknown or ambiguous operation name.')] };
    }
    if (operation.operation === 'subscription') {
      return { data: null, errors: [requestError('Subscriptions are served over the real-time endpoint, not HTTP.')] };
    }
    const state: ExecutionState = {
      auth: request.auth,
      headers: request.headers,
      fragments: fragmentsOf(document),
      appended: [],
      invalidations: new Map(),
    };
    const result = (await execute({
      schema,
      document,
      operationName: request.operationName ?? undefined,
      variableValues: request.variables ?? undefined,
      contextValue: state,
      fieldResolver: this.fieldResolver,
    })) as ExecutionResult<Record<string, unknown>>;

    if (operation.operation === 'mutation' && result.data) {
      this.publishMutationResults(operation, state.fragments, result);
    }
    for (const { subscriptionField, payload } of state.invalidations.values()) {
      this.subscriptions.invalidate(subscriptionField, payload);
    }
    const errors = [...(result.errors ?? []).map(errorEntry), ...state.appended];
    return errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null };
  }

  /** Validates, authorises and registers a real-time subscription. */
  async startSubscription(start: SubscriptionStartRequest): Promise<StartResult> {
    const { schema, resolvers } = this.options.api;
    if (this.subscriptions.has(start.connectionId, start.subscriptionId)) {
      return refuse(`Subscription ${start.subscriptionId} already exists on this connection.`, 'DuplicatedOperationError');
    }
    let request: { query?: unknown; variables?: unknown };
    try {
      request = JSON.parse(start.data) as typeof request;
    } catch {
      return refuse('Unable to parse the subscription request: payload.data is not JSON.', 'MalformedHttpRequestException');
    }
    if (typeof request !== 'object' || request === null || typeof request.query !== 'string') {
      return refuse('payload.data must be a JSON object with a "query" string.', 'MalformedHttpRequestException');
    }
    let prepared: PreparedDocument;
    try {
      prepared = this.prepare(request.query);
    } catch (error) {
      return refuse((error as Error).message, 'MalformedHttpRequestException');
    }
    const { document, validationErrors } = prepared;
    if (validationErrors.length > 0) return { ok: false, errors: validationErrors.map((e) => ({ ...validationEntry(e) })) };
    const operation = getOperationAST(document);
    if (!operation || operation.operation !== 'subscription') {
      return refuse('The real-time endpoint accepts exactly one subscription operation.', 'BadRequestException');
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], (request.variables ?? {}) as Record<string, unknown>);
    if (coerced.errors) return { ok: false, errors: coerced.errors.map((e) => ({ ...validationEntry(e) })) };
    const variables = coerced.coerced;
    const fragments = fragmentsOf(document);
    const rootFields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    const fieldNode = rootFields[0];
    if (rootFields.length !== 1 || !fieldNode || operation.selectionSet.selections.length !== 1) {
      return refuse('A subscription operation must select exactly one field.', 'BadRequestException');
    }
    const subscriptionType = schema.getSubscriptionType();
    const field = subscriptionType?.getFields()[fieldNode.name.value];
    if (!subscriptionType || !field) return refuse(`Unknown subscription field ${fieldNode.name.value}.`, 'BadRequestException');
    if (!isFieldAuthorized(subscriptionType, field, start.auth, this.authApi)) {
      return { ok: false, errors: [{ ...errorRecordEntry(unauthorizedField(field.name, subscriptionType.name).record) }] };
    }
    const args = getArgumentValues(field, fieldNode, variables);
    let filter = null;
    let invalidationFilter = null;
    const resolver = resolvers.get(resolverKey(subscriptionType.name, field.name));
    if (resolver) {
      try {
        const { effects } = await runResolver(
          resolver,
          this.runInput(args, null, start.auth, start.headers, subscriptionType.name, fieldNode, fragments, variables),
          this.options.runtime,
          this.options.dataSources,
        );
        filter = effects.subscriptionFilter && validateSubscriptionFilter(effects.subscriptionFilter);
        invalidationFilter = effects.invalidationFilter && validateSubscriptionFilter(effects.invalidationFilter);
      } catch (error) {
        if (error instanceof FieldError) return { ok: false, errors: [{ ...errorRecordEntry(error.record) }] };
        return refuse((error as Error).message, 'BadRequestException');
      }
    }
    this.subscriptions.add({
      connectionId: start.connectionId,
      subscriptionId: start.subscriptionId,
      field: field.name,
      document,
      variables,
      projectionKey: `${prepared.printed}\u0000${JSON.stringify(variables)}`,
      args,
      filter,
      invalidationFilter,
      sink: start.sink,
    });
    return { ok: true };
  }

  /** The parsed query from the engine's cache (for log lines, say), or undefined when it does not parse. */
  parsedDocument(query: string): DocumentNode | undefined {
    try {
      return this.documents.prepare(query).document;
    } catch {
      return undefined;
    }
  }

  /** The parsed and validated query; throws {@link MalformedQueryError} when it does not parse. */
  private prepare(query: string): PreparedDocument {
    try {
      return this.documents.prepare(query);
    } catch (error) {
      throw new MalformedQueryError(`Unable to parse GraphQL query. ${(error as Error).message}`);
    }
  }

  stopSubscription(connectionId: string, subscriptionId: string): void {
    this.subscriptions.remove(connectionId, subscriptionId);
  }

  disconnect(connectionId: string): void {
    this.subscriptions.removeConnection(connectionId);
  }

  /** Synchronous for plain fields (most of them), so only resolver fields cost a promise. */
  private readonly fieldResolver: GraphQLFieldResolver<unknown, ExecutionState> = (source, args, state, info) => {
    const field = info.parentType.getFields()[info.fieldName];
    if (field && !isFieldAuthorized(info.parentType, field, state.auth, this.authApi)) {
      throw unauthorizedField(info.fieldName, info.parentType.name);
    }
    const resolver = this.options.api.resolvers.get(resolverKey(info.parentType.name, info.fieldName));
    return resolver ? this.resolveField(resolver, source, args, state, info) : defaultFieldResolver(source, args, state, info);
  };

  private async resolveField(
    resolver: LoadedResolver,
    source: unknown,
    args: Record<string, unknown>,
    state: ExecutionState,
    info: GraphQLResolveInfo,
  ): Promise<unknown> {
    const fieldNode = info.fieldNodes[0] as FieldNode;
    const { value, effects } = await runResolver(
      resolver,
      this.runInput(
        args,
        info.path.prev === undefined ? null : source,
        state.auth,
        state.headers,
        info.parentType.name,
        fieldNode,
        state.fragments,
        info.variableValues,
      ),
      this.options.runtime,
      this.options.dataSources,
    );
    const path = pathOf(info.path);
    for (const record of effects.appendedErrors) {
      state.appended.push({ ...errorRecordEntry(record), path, locations: locationsOf(fieldNode) });
    }
    // Counted before anything is recorded: a field that fails on the limit invalidates nothing, like any failed field.
    const keys = new Set(state.invalidations.keys());
    for (const invalidation of effects.invalidations) keys.add(JSON.stringify(invalidation));
    if (keys.size > MAX_INVALIDATIONS_PER_REQUEST) {
      throw new FieldError({
        message: `A request may invalidate subscriptions at most ${MAX_INVALIDATIONS_PER_REQUEST} times.`,
        errorType: 'LimitExceededError',
        data: null,
        errorInfo: null,
      });
    }
    for (const invalidation of effects.invalidations) state.invalidations.set(JSON.stringify(invalidation), invalidation);
    return value;
  }

  private runInput(
    args: Record<string, unknown>,
    source: unknown,
    auth: Authentication,
    headers: Readonly<Record<string, string>>,
    parentTypeName: string,
    fieldNode: FieldNode,
    fragments: Record<string, FragmentDefinitionNode>,
    variables: Record<string, unknown>,
  ): ResolverRunInput {
    const parentType = this.options.api.schema.getType(parentTypeName);
    const selection = selectionInfo(fieldNode, fragments, variables, this.options.api.schema, parentType as never);
    return {
      arguments: args,
      identity: auth.identity,
      authType: auth.authType,
      source,
      request: { headers: { ...headers }, domainName: null },
      info: {
        fieldName: fieldNode.name.value,
        parentTypeName,
        variables,
        selectionSetList: selection.selectionSetList,
        selectionSetGraphQL: selection.selectionSetGraphQL,
      },
      env: { ...this.options.env },
    };
  }

  /** Publishes each successful root mutation field to the subscriptions that name it in `@aws_subscribe`. */
  private publishMutationResults(
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
    result: ExecutionResult<Record<string, unknown>>,
  ): void {
    const failed = new Set((result.errors ?? []).map((e) => e.path?.[0]));
    for (const fieldNode of fieldsOf(operation.selectionSet, fragments)) {
      const subscriptionFields = this.options.api.triggers.get(fieldNode.name.value);
      const responseKey = fieldNode.alias?.value ?? fieldNode.name.value;
      const value = result.data?.[responseKey];
      if (!subscriptionFields || value === null || value === undefined || failed.has(responseKey)) continue;
      const payload = unalias(value, fieldNode.selectionSet, fragments) as Record<string, unknown>;
      for (const subscriptionField of subscriptionFields) this.subscriptions.publish(subscriptionField, payload);
    }
  }
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

/** The field selections of a selection set, fragments flattened. */
function fieldsOf(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...fieldsOf(selection.selectionSet, fragments));
    else {
      const fragment = fragments[selection.name.value];
      if (fragment) fields.push(...fieldsOf(fragment.selectionSet, fragments));
    }
  }
  return fields;
}

/** A response value keyed by field names instead of aliases: the mutation result as subscribers see it. */
function unalias(value: unknown, selectionSet: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>): unknown {
  if (!selectionSet || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => unalias(item, selectionSet, fragments));
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(selectionSet, fragments)) {
    const key = field.alias?.value ?? field.name.value;
    if (key in source) out[field.name.value] = unalias(source[key], field.selectionSet, fragments);
  }
  return out;
}

function pathOf(path: { prev: unknown; key: string | number } | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let p = path as { prev: unknown; key: string | number } | undefined; p; p = p.prev as typeof p) keys.unshift(p.key);
  return keys;
}

function locationsOf(node: { loc?: { startToken: { line: number; column: number } } }) {
  return node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column, sourceName: null }] : null;
}

function errorRecordEntry(record: GraphqlErrorRecord): AppSyncErrorEntry {
  return {
    path: null,
    data: record.data ?? null,
    errorType: record.errorType,
    errorInfo: record.errorInfo ?? null,
    locations: null,
    message: record.message,
  };
}

/** An execution error: AppSync's fields for ours, the plain GraphQL ones for graphql-js's (e.g. non-null). */
function errorEntry(error: GraphQLError): AppSyncErrorEntry {
  const locations = error.locations?.map((l) => ({ line: l.line, column: l.column, sourceName: null as null })) ?? null;
  const original = error.originalError;
  if (original instanceof FieldError) {
    return { ...errorRecordEntry(original.record), path: error.path ?? null, locations };
  }
  return { path: error.path ?? null, data: null, errorType: null, errorInfo: null, locations, message: error.message };
}

/** AppSync reports validation errors without errorType or path. */
function validationEntry(error: GraphQLError): AppSyncErrorEntry {
  const locations = error.locations?.map((l) => ({ line: l.line, column: l.column, sourceName: null as null })) ?? null;
  return { path: null, locations, message: `Validation error: ${error.message}` };
}

function requestError(message: string): AppSyncErrorEntry {
  return { path: null, locations: null, message, errorType: 'BadRequestException' };
}

function refuse(message: string, errorType: string): StartResult {
  return { ok: false, errors: [{ errorType, message }] };
}
