/**
 * Field-level authorization from AppSync's auth directives (appsync-js-runtime.md §6.6), read from the graphql-js
 * AST of a schema built from SDL.
 *
 * Multi-mode APIs: directives on the field ▸ directives on the parent type ▸ the API's default mode.
 * A user-pools-only API: `@aws_auth(cognito_groups)` on the field, else the user pool's default action; the
 * mode directives have no effect there, just as `@aws_auth` has none on multi-mode APIs.
 */
import { Kind, type ConstDirectiveNode, type ConstValueNode, type GraphQLField, type GraphQLObjectType } from 'graphql';
import type { AuthMode } from '../description.js';
import type { Authentication } from './types.js';

/** The API-level settings that directives fall back on. */
export interface ApiAuthorization {
  readonly defaultMode: AuthMode;
  /** The user pool's default action (only meaningful when user pools is the sole mode). @default 'ALLOW' */
  readonly defaultAction?: 'ALLOW' | 'DENY';
  /** True when the API has additional auth modes besides the default. */
  readonly additionalModesEnabled: boolean;
}

/** One mode a directive admits, optionally narrowed to Cognito groups. */
interface AuthRule {
  readonly mode: AuthMode;
  /** null: any caller of the mode. */
  readonly groups: readonly string[] | null;
}

const MODE_DIRECTIVES: Readonly<Record<string, AuthMode>> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
};

/**
 * May the authenticated caller read `parentType.field`? A denied field resolves to null with
 * `Not Authorized to access <field> on type <Type>` (errorType `Unauthorized`); that is the engine's job.
 *
 * @example
 * ```ts
 * const schema = buildSchema(directiveDeclarations + sdl);
 * const query = schema.getQueryType()!;
 * isFieldAuthorized(query, query.getFields().adminStats!, auth, {
 *   defaultMode: 'AMAZON_COGNITO_USER_POOLS',
 *   additionalModesEnabled: true,
 * });
 * ```
 */
export function isFieldAuthorized(
  parentType: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  auth: Authentication,
  api: ApiAuthorization,
): boolean {
  if (!api.additionalModesEnabled) return isAuthorizedInSingleMode(field, auth, api);
  const fieldRules = modeRules(field.astNode?.directives ?? []);
  if (fieldRules.length > 0) return fieldRules.some((rule) => admits(rule, auth));
  const typeRules = modeRules(typeDirectives(parentType));
  if (typeRules.length > 0) return typeRules.some((rule) => admits(rule, auth));
  return auth.mode === api.defaultMode;
}

function isAuthorizedInSingleMode(field: GraphQLField<unknown, unknown>, auth: Authentication, api: ApiAuthorization): boolean {
  if (auth.mode !== api.defaultMode) return false;
  if (api.defaultMode !== 'AMAZON_COGNITO_USER_POOLS') return true;
  const awsAuth = field.astNode?.directives?.find((directive) => directive.name.value === 'aws_auth');
  if (awsAuth) return inAnyGroup(auth, cognitoGroups(awsAuth) ?? []);
  return (api.defaultAction ?? 'ALLOW') === 'ALLOW';
}

/** Directives of the type's definition and of its `extend type` blocks. */
function typeDirectives(type: GraphQLObjectType): readonly ConstDirectiveNode[] {
  return [...(type.astNode?.directives ?? []), ...type.extensionASTNodes.flatMap((extension) => extension.directives ?? [])];
}

function modeRules(directives: readonly ConstDirectiveNode[]): AuthRule[] {
  const rules: AuthRule[] = [];
  for (const directive of directives) {
    const mode = MODE_DIRECTIVES[directive.name.value];
    if (mode === undefined) continue;
    rules.push({ mode, groups: mode === 'AMAZON_COGNITO_USER_POOLS' ? cognitoGroups(directive) : null });
  }
  return rules;
}

function admits(rule: AuthRule, auth: Authentication): boolean {
  return rule.mode === auth.mode && (rule.groups === null || inAnyGroup(auth, rule.groups));
}

function inAnyGroup(auth: Authentication, groups: readonly string[]): boolean {
  return groups.some((group) => auth.groups.includes(group));
}

/** The `cognito_groups` argument; null when absent or null. A single string counts as a one-item list. */
function cognitoGroups(directive: ConstDirectiveNode): readonly string[] | null {
  const argument = directive.arguments?.find((arg) => arg.name.value === 'cognito_groups');
  if (!argument) return null;
  return stringList(argument.value);
}

function stringList(value: ConstValueNode): readonly string[] | null {
  switch (value.kind) {
    case Kind.NULL:
      return null;
    case Kind.STRING:
      return [value.value];
    case Kind.LIST:
      return value.values.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []));
    default:
      return [];
  }
}
