/**
 * Request authentication for the local AppSync: picks the auth mode from the request's headers as AppSync does
 * and checks the credential with that mode's verifier.
 */
import type { AuthMode } from '../description.js';
import { createApiKeyVerifier, type ApiKeyVerifier } from './api-key.js';
import { AuthConfigError, UNAUTHORIZED_MESSAGES, UnauthorizedError } from './errors.js';
import { createIamVerifier, type IamVerifier } from './iam.js';
import { lowerCaseHeaders } from './request.js';
import type { AuthConfig, Authentication, AuthRequest } from './types.js';
import { createUserPoolVerifier, type UserPoolVerifier } from './user-pools.js';

/** Authenticates requests for one API. */
export interface Authenticator {
  /**
   * Works out who is calling.
   *
   * Mode choice, among enabled modes only: `x-api-key` → API_KEY; else an `authorization` starting
   * `AWS4-HMAC-SHA256` → AWS_IAM; else any other `authorization` → AMAZON_COGNITO_USER_POOLS.
   *
   * @throws UnauthorizedError with "Valid authorization header not provided." when no credential for an enabled
   *   mode came, and "You are not authorized to make this call." when one came and was rejected.
   * @throws JwksFetchError when the user pool's JWKS cannot be fetched (a server fault, not a 401).
   */
  authenticate(request: AuthRequest): Promise<Authentication>;
}

const SUPPORTED_MODES: readonly AuthMode[] = ['API_KEY', 'AWS_IAM', 'AMAZON_COGNITO_USER_POOLS'];

/**
 * Builds the authenticator for an API's auth configuration.
 *
 * @throws AuthConfigError when a mode is enabled without its settings, or is OPENID_CONNECT / AWS_LAMBDA
 *   (not emulated locally).
 * @example
 * ```ts
 * const authenticator = createAuthenticator({
 *   modes: ['AMAZON_COGNITO_USER_POOLS', 'AWS_IAM'],
 *   userPool: { issuer: pool.issuer, jwksUri: pool.jwksUri, clientIds: [pool.userPoolClientId] },
 *   iam: { region: 'us-east-1', principals: [bridgePrincipal] },
 * });
 * try {
 *   const auth = await authenticator.authenticate({ method: 'POST', path: '/graphql', headers, body, sourceIp });
 *   // auth.identity becomes ctx.identity, auth.authType is util.authType()
 * } catch (error) {
 *   if (error instanceof UnauthorizedError) { // answer 401, x-amzn-ErrorType: UnauthorizedException
 *   }
 * }
 * ```
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  if (config.modes.length === 0) throw new AuthConfigError('No auth mode is enabled.');
  for (const mode of config.modes) {
    if (!SUPPORTED_MODES.includes(mode)) throw new AuthConfigError(`Auth mode ${mode} is not supported by the local AppSync.`);
  }
  const enabled = new Set(config.modes);
  const apiKeys = enabled.has('API_KEY') ? createApiKeyVerifier(required(config.apiKeys, 'API_KEY', 'apiKeys')) : null;
  const iam: IamVerifier | null = enabled.has('AWS_IAM') ? createIamVerifier(required(config.iam, 'AWS_IAM', 'iam')) : null;
  const userPools: UserPoolVerifier | null = enabled.has('AMAZON_COGNITO_USER_POOLS')
    ? createUserPoolVerifier(required(config.userPool, 'AMAZON_COGNITO_USER_POOLS', 'userPool'))
    : null;
  return {
    authenticate: (request) => authenticate(request, apiKeys, iam, userPools),
  };
}

async function authenticate(
  request: AuthRequest,
  apiKeys: ApiKeyVerifier | null,
  iam: IamVerifier | null,
  userPools: UserPoolVerifier | null,
): Promise<Authentication> {
  const headers = lowerCaseHeaders(request.headers);
  const now = new Date();
  const apiKey = headers.get('x-api-key');
  if (apiKeys && apiKey !== undefined && apiKey !== '') return apiKeys.verify(apiKey, now);

  const authorization = headers.get('authorization')?.trim();
  if (authorization) {
    if (authorization.startsWith('AWS4-HMAC-SHA256')) {
      if (iam) return iam.verify(request, headers, now);
    } else if (userPools) {
      return userPools.verify(authorization, request.sourceIp);
    }
  }
  throw new UnauthorizedError(UNAUTHORIZED_MESSAGES.missingCredentials, 'no credential for an enabled auth mode');
}

function required<T>(settings: T | undefined, mode: AuthMode, key: string): T {
  if (settings === undefined) throw new AuthConfigError(`Auth mode ${mode} is enabled but AuthConfig.${key} is missing.`);
  return settings;
}
