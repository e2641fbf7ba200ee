/**
 * Creates the user pool, app client, groups and users wavechat needs in cognito-local, through the same Cognito
 * API a deployed stack would use. Every call is idempotent, so it can run on each start against kept state.
 */
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SignUpCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoProvisioningError } from './errors.js';

/** What an AppSync authenticator and a client need to know about a provisioned pool. */
export interface UserPoolInfo {
  /** e.g. `local_6FwiZylU` */
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** Token `iss`: `<endpoint>/<userPoolId>` (cognito-local builds it from its HOST/PORT). */
  readonly issuer: string;
  readonly jwksUri: string;
  /** The part of the pool id before `_` (`local`), which Amplify reads as the region. */
  readonly region: string;
}

export interface UserPoolSpec {
  readonly poolName: string;
  readonly clientName: string;
  /** Cognito groups to create in the pool. */
  readonly groups?: readonly string[];
}

export interface UserSpec {
  readonly email: string;
  readonly password: string;
  /** Groups the user must be in (created when missing). */
  readonly groups?: readonly string[];
}

/** Tokens from a USER_PASSWORD_AUTH sign-in. */
export interface SignInTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Page size for the list calls; cognito-local returns everything in one page anyway. */
const LIST_PAGE_SIZE = 60;

/**
 * Finds or creates the pool named `poolName` (email as username) with an app client named `clientName`
 * (USER_PASSWORD_AUTH and refresh, no secret) and the given groups.
 *
 * @param endpoint cognito-local's endpoint as `startCognitoLocal` returned it; the issuer is derived from it.
 * @example
 * ```ts
 * const pool = await provisionUserPool(cognito.endpoint, { poolName: 'wavechat', clientName: 'web', groups: ['admins'] });
 * await createUser(cognito.endpoint, pool, { email: 'ada@example.com', password: 'Passw0rd!', groups: ['admins'] });
 * const { accessToken } = await signIn(cognito.endpoint, pool.userPoolClientId, 'ada@example.com', 'Passw0rd!');
 * ```
 */
export async function provisionUserPool(endpoint: string, spec: UserPoolSpec): Promise<UserPoolInfo> {
  return withClient(endpoint, async (client) => {
    const userPoolId = await findOrCreatePool(client, spec.poolName);
    const userPoolClientId = await findOrCreateAppClient(client, userPoolId, spec.clientName);
    await ensureGroups(client, userPoolId, spec.groups ?? []);
    const base = endpoint.replace(/\/+$/, '');
    return {
      userPoolId,
      userPoolClientId,
      issuer: `${base}/${userPoolId}`,
      jwksUri: `${base}/${userPoolId}/.well-known/jwks.json`,
      region: userPoolId.split('_')[0] ?? 'local',
    };
  });
}

/**
 * Makes sure a confirmed user with this email, password and groups exists: signs up and confirms a new user; for an
 * existing one sets the password. Returns the user's `sub` (also its Cognito username, email being an alias).
 */
export async function createUser(
  endpoint: string,
  pool: Pick<UserPoolInfo, 'userPoolId' | 'userPoolClientId'>,
  user: UserSpec,
): Promise<{ readonly sub: string }> {
  return withClient(endpoint, async (client) => {
    const { userPoolId } = pool;
    if (await userExists(client, userPoolId, user.email)) {
      await client.send(
        new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.email, Password: user.password, Permanent: true }),
      );
    } else {
      await client.send(
        new SignUpCommand({
          ClientId: pool.userPoolClientId,
          Username: user.email,
          Password: user.password,
          UserAttributes: [{ Name: 'email', Value: user.email }],
        }),
      );
      await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: user.email }));
      await client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          // cognito-local wants the email beside email_verified.
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    }
    await ensureGroups(client, userPoolId, user.groups ?? []);
    for (const group of user.groups ?? []) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }));
    }
    const created = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }));
    const sub = created.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? created.Username;
    if (sub === undefined) throw new CognitoProvisioningError(`AdminGetUser for ${user.email} returned no sub.`);
    return { sub };
  });
}

/** Signs in with USER_PASSWORD_AUTH (cognito-local has no SRP). Cognito's errors (e.g. NotAuthorizedException) pass through. */
export async function signIn(endpoint: string, clientId: string, email: string, password: string): Promise<SignInTokens> {
  return withClient(endpoint, async (client) => {
    const response = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const result = response.AuthenticationResult;
    if (!result?.IdToken || !result.AccessToken || !result.RefreshToken) {
      throw new CognitoProvisioningError(`Sign-in of ${email} returned no tokens (challenge ${response.ChallengeName ?? 'none'}).`);
    }
    return { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken };
  });
}

async function withClient<T>(endpoint: string, use: (client: CognitoIdentityProviderClient) => Promise<T>): Promise<T> {
  const client = new CognitoIdentityProviderClient({
    endpoint,
    // cognito-local ignores region and credentials, but the SDK insists on both; fixed values keep it off the
    // developer's AWS profile.
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // cognito-local answers unsupported calls with 500s that are not worth retrying.
    maxAttempts: 1,
  });
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

async function findOrCreatePool(client: CognitoIdentityProviderClient, poolName: string): Promise<string> {
  const { UserPools } = await client.send(new ListUserPoolsCommand({ MaxResults: LIST_PAGE_SIZE }));
  const existing = UserPools?.find((pool) => pool.Name === poolName)?.Id;
  if (existing) return existing;
  const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: poolName, UsernameAttributes: ['email'] }));
  if (!UserPool?.Id) throw new CognitoProvisioningError(`CreateUserPool ${poolName} returned no pool id.`);
  return UserPool.Id;
}

async function findOrCreateAppClient(client: CognitoIdentityProviderClient, userPoolId: string, clientName: string): Promise<string> {
  const { UserPoolClients } = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: LIST_PAGE_SIZE }));
  const existing = UserPoolClients?.find((appClient) => appClient.ClientName === clientName)?.ClientId;
  if (existing) return existing;
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: clientName,
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  if (!UserPoolClient?.ClientId) throw new CognitoProvisioningError(`CreateUserPoolClient ${clientName} returned no client id.`);
  return UserPoolClient.ClientId;
}

/**
 * Creates the groups the pool lacks. cognito-local's CreateGroup overwrites an existing group and its members, and
 * its GetGroup fails with a 500 in a pool without groups, so the groups are listed first.
 */
async function ensureGroups(client: CognitoIdentityProviderClient, userPoolId: string, groupNames: readonly string[]): Promise<void> {
  if (groupNames.length === 0) return;
  const { Groups } = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: LIST_PAGE_SIZE }));
  const existing = new Set(Groups?.map((group) => group.GroupName));
  for (const groupName of groupNames) {
    if (!existing.has(groupName)) await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: groupName }));
  }
}

async function userExists(client: CognitoIdentityProviderClient, userPoolId: string, email: string): Promise<boolean> {
  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    return true;
  } catch (error) {
    if (error instanceof UserNotFoundException) return false;
    throw error;
  }
}
