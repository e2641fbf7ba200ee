import { buildSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isFieldAuthorized, type ApiAuthorization, type Authentication } from '../../../local/appsync/auth/index.js';

const schema = buildSchema(/* GraphQL */ `
  directive @aws_api_key on FIELD_DEFINITION | OBJECT
  directive @aws_iam on FIELD_DEFINITION | OBJECT
  directive @aws_oidc on FIELD_DEFINITION | OBJECT
  directive @aws_lambda on FIELD_DEFINITION | OBJECT
  directive @aws_cognito_user_pools(cognito_groups: [String!]) on FIELD_DEFINITION | OBJECT
  directive @aws_auth(cognito_groups: [String!]!) on FIELD_DEFINITION

  type Query {
    open: String
    keyOnly: String @aws_api_key
    iamOrKey: String @aws_iam @aws_api_key
    admins: String @aws_cognito_user_pools(cognito_groups: ["admins"])
    oneGroup: String @aws_cognito_user_pools(cognito_groups: "moderators")
    anyUser: String @aws_cognito_user_pools
    legacyAdmins: String @aws_auth(cognito_groups: ["admins"])
  }

  type Post @aws_api_key @aws_cognito_user_pools {
    title: String
    secret: String @aws_iam
    staffNote: String @aws_cognito_user_pools(cognito_groups: ["admins", "moderators"])
    legacy: String @aws_auth(cognito_groups: ["admins"])
  }

  type Comment {
    text: String
  }

  extend type Comment @aws_iam
`);

const apiKey: Authentication = { mode: 'API_KEY', identity: null, authType: 'API Key Authorization', groups: [] };
const iam: Authentication = { mode: 'AWS_IAM', identity: {}, authType: 'IAM Authorization', groups: [] };
const userIn = (...groups: string[]): Authentication => ({
  mode: 'AMAZON_COGNITO_USER_POOLS',
  identity: {},
  authType: 'User Pool Authorization',
  groups,
});
const admin = userIn('admins');
const moderator = userIn('moderators');
const user = userIn();

function allowed(typeName: string, fieldName: string, auth: Authentication, api: ApiAuthorization): boolean {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const field = type.getFields()[fieldName];
  if (!field) throw new Error(`${typeName}.${fieldName} is not in the schema`);
  return isFieldAuthorized(type, field, auth, api);
}

describe('auth directives on a multi-mode API (default user pools, plus API key and IAM)', () => {
  const api: ApiAuthorization = { defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModesEnabled: true };

  it('falls back to the default mode when neither field nor type has directives', () => {
    expect(allowed('Query', 'open', user, api)).toBe(true);
    expect(allowed('Query', 'open', apiKey, api)).toBe(false);
    expect(allowed('Query', 'open', iam, api)).toBe(false);
  });

  it('lets field directives replace the default mode', () => {
    expect(allowed('Query', 'keyOnly', apiKey, api)).toBe(true);
    expect(allowed('Query', 'keyOnly', user, api)).toBe(false);
    expect(allowed('Query', 'iamOrKey', iam, api)).toBe(true);
    expect(allowed('Query', 'iamOrKey', apiKey, api)).toBe(true);
    expect(allowed('Query', 'iamOrKey', admin, api)).toBe(false);
  });

  it('applies cognito_groups of @aws_cognito_user_pools', () => {
    expect(allowed('Query', 'admins', admin, api)).toBe(true);
    expect(allowed('Query', 'admins', user, api)).toBe(false);
    expect(allowed('Query', 'admins', moderator, api)).toBe(false);
    expect(allowed('Query', 'admins', apiKey, api)).toBe(false);
    expect(allowed('Query', 'oneGroup', moderator, api)).toBe(true);
    expect(allowed('Query', 'oneGroup', admin, api)).toBe(false);
    expect(allowed('Query', 'anyUser', user, api)).toBe(true);
    expect(allowed('Query', 'anyUser', iam, api)).toBe(false);
  });

  it('uses the parent type directives for fields without their own, and field directives over them', () => {
    expect(allowed('Post', 'title', apiKey, api)).toBe(true);
    expect(allowed('Post', 'title', user, api)).toBe(true);
    expect(allowed('Post', 'title', iam, api)).toBe(false);
    expect(allowed('Post', 'secret', iam, api)).toBe(true);
    expect(allowed('Post', 'secret', apiKey, api)).toBe(false);
    expect(allowed('Post', 'secret', admin, api)).toBe(false);
    expect(allowed('Post', 'staffNote', moderator, api)).toBe(true);
    expect(allowed('Post', 'staffNote', user, api)).toBe(false);
    expect(allowed('Post', 'staffNote', apiKey, api)).toBe(false);
  });

  it('reads type directives from extend type', () => {
    expect(allowed('Comment', 'text', iam, api)).toBe(true);
    expect(allowed('Comment', 'text', user, api)).toBe(false);
  });

  it('ignores @aws_auth when other modes are enabled', () => {
    expect(allowed('Query', 'legacyAdmins', user, api)).toBe(true);
    expect(allowed('Query', 'legacyAdmins', apiKey, api)).toBe(false);
    // On Post the type directives still decide.
    expect(allowed('Post', 'legacy', apiKey, api)).toBe(true);
    expect(allowed('Post', 'legacy', iam, api)).toBe(false);
  });

  it('ignores the user pool default action when other modes are enabled', () => {
    expect(allowed('Query', 'open', user, { ...api, defaultAction: 'DENY' })).toBe(true);
  });

  it('falls back to whichever mode is the default', () => {
    const keyDefault: ApiAuthorization = { defaultMode: 'API_KEY', additionalModesEnabled: true };
    expect(allowed('Query', 'open', apiKey, keyDefault)).toBe(true);
    expect(allowed('Query', 'open', user, keyDefault)).toBe(false);
    expect(allowed('Query', 'anyUser', user, keyDefault)).toBe(true);
  });
});

describe('auth directives when user pools is the only mode', () => {
  const allow: ApiAuthorization = { defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModesEnabled: false };
  const deny: ApiAuthorization = { ...allow, defaultAction: 'DENY' };

  it('applies @aws_auth groups', () => {
    expect(allowed('Query', 'legacyAdmins', admin, allow)).toBe(true);
    expect(allowed('Query', 'legacyAdmins', user, allow)).toBe(false);
    expect(allowed('Query', 'legacyAdmins', moderator, deny)).toBe(false);
    expect(allowed('Query', 'legacyAdmins', admin, deny)).toBe(true);
    expect(allowed('Post', 'legacy', admin, allow)).toBe(true);
    expect(allowed('Post', 'legacy', user, allow)).toBe(false);
  });

  it('admits other fields by the default action', () => {
    expect(allowed('Query', 'open', user, allow)).toBe(true);
    expect(allowed('Query', 'open', user, deny)).toBe(false);
    expect(allowed('Query', 'open', admin, deny)).toBe(false);
  });

  it('gives the mode directives no effect', () => {
    expect(allowed('Query', 'keyOnly', user, allow)).toBe(true);
    expect(allowed('Query', 'admins', user, allow)).toBe(true);
    expect(allowed('Post', 'secret', user, allow)).toBe(true);
    expect(allowed('Query', 'admins', admin, deny)).toBe(false);
  });
});

describe('auth directives on a single non-user-pool mode', () => {
  const keyOnlyApi: ApiAuthorization = { defaultMode: 'API_KEY', additionalModesEnabled: false };

  it('admits every field to the one mode and nothing to others', () => {
    expect(allowed('Query', 'legacyAdmins', apiKey, keyOnlyApi)).toBe(true);
    expect(allowed('Post', 'secret', apiKey, keyOnlyApi)).toBe(true);
    expect(allowed('Query', 'open', admin, keyOnlyApi)).toBe(false);
  });
});
