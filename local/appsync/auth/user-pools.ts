/**
 * AMAZON_COGNITO_USER_POOLS: verifies a Cognito JWT (ID or access token) against the pool's issuer and JWKS.
 *
 * aws-jwt-verify's own fetcher speaks https only and cognito-local serves http, so the JWKS is fetched here
 * and handed to the verifier with `cacheJwks` (local-components.md §3).
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { JwksFetchError, UNAUTHORIZED_MESSAGES, UnauthorizedError } from './errors.js';
import { sourceIpList } from './request.js';
import type { AuthConfig, Authentication } from './types.js';

/** `ctx.identity` for a user-pool caller (appsync-js-runtime.md §3.1). */
export interface UserPoolIdentity {
  readonly sub: string;
  readonly issuer: string;
  /** `cognito:username` (ID token) or `username` (access token). */
  readonly username: string;
  readonly claims: JwtPayload;
  readonly sourceIp: readonly string[];
  readonly defaultAuthStrategy: 'ALLOW' | 'DENY';
  /** `cognito:groups`, or null when the token has none. */
  readonly groups: readonly string[] | null;
}

/** Checks the `authorization` header of user-pool requests. */
export interface UserPoolVerifier {
  /** @throws UnauthorizedError when the token is malformed, expired, tampered, or from another issuer/client. */
  verify(authorization: string, sourceIp: string): Promise<Authentication>;
}

type UserPoolConfig = NonNullable<AuthConfig['userPool']>;

export function createUserPoolVerifier(config: UserPoolConfig): UserPoolVerifier {
  const clientIds = new Set(config.clientIds);
  const verifier = JwtVerifier.create({
    issuer: config.issuer,
    jwksUri: config.jwksUri,
    // The audience rule depends on the token kind (ID: aud, access: client_id), so it is checked below.
    audience: null,
    customJwtCheck: ({ payload }) => checkTokenKind(payload, clientIds),
  });

  let jwksRefresh: Promise<void> | null = null;
  let jwksLoaded = false;
  /** One fetch at a time; concurrent callers share it. */
  const refreshJwks = (): Promise<void> => {
    jwksRefresh ??= fetchJwks(config.jwksUri)
      .then((jwks) => {
        try {
          verifier.cacheJwks(jwks);
        } catch (cause) {
          throw new JwksFetchError(config.jwksUri, { cause });
        }
        jwksLoaded = true;
      })
      .finally(() => {
        jwksRefresh = null;
      });
    return jwksRefresh;
  };

  const verifyCached = (token: string): JwtPayload => verifier.verifySync(token);

  return {
    async verify(authorization, sourceIp) {
      const token = authorization.replace(/^Bearer\s+/i, '').trim();
      if (!jwksLoaded) await refreshJwks();
      let payload: JwtPayload;
      try {
        payload = verifyCached(token);
      } catch (error) {
        // A kid we have not seen may be a rotated key: refetch once, then decide.
        if (!(error instanceof KidNotFoundInJwksError)) throw rejected(error);
        await refreshJwks();
        try {
          payload = verifyCached(token);
        } catch (retryError) {
          throw rejected(retryError);
        }
      }
      return authenticationFor(payload, sourceIp, config.defaultAction ?? 'ALLOW');
    },
  };
}

function checkTokenKind(payload: JwtPayload, clientIds: ReadonlySet<string>): void {
  if (typeof payload.exp !== 'number') throw new Error('token has no exp claim');
  if (typeof payload.sub !== 'string') throw new Error('token has no sub claim');
  if (payload.token_use === 'id') {
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (!audiences.some((aud) => clientIds.has(aud))) throw new Error(`ID token aud ${String(payload.aud)} is not an accepted client`);
    return;
  }
  if (payload.token_use === 'access') {
    const clientId = payload.client_id;
    if (typeof clientId !== 'string' || !clientIds.has(clientId)) {
      throw new Error(`access token client_id ${String(clientId)} is not an accepted client`);
    }
    return;
  }
  throw new Error(`token_use ${String(payload.token_use)} is neither id nor access`);
}

function authenticationFor(payload: JwtPayload, sourceIp: string, defaultAuthStrategy: 'ALLOW' | 'DENY'): Authentication {
  const groupsClaim = payload['cognito:groups'];
  const groups = Array.isArray(groupsClaim) ? groupsClaim.filter((group): group is string => typeof group === 'string') : null;
  const usernameClaim = payload['cognito:username'] ?? payload.username;
  const identity: UserPoolIdentity = {
    // checkTokenKind made sure of sub; iss was matched against the configured issuer.
    sub: payload.sub as string,
    issuer: payload.iss as string,
    username: typeof usernameClaim === 'string' ? usernameClaim : (payload.sub as string),
    claims: payload,
    sourceIp: sourceIpList(sourceIp),
    defaultAuthStrategy,
    groups,
  };
  return { mode: 'AMAZON_COGNITO_USER_POOLS', identity, authType: 'User Pool Authorization', groups: groups ?? [] };
}

function rejected(error: unknown): UnauthorizedError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new UnauthorizedError(UNAUTHORIZED_MESSAGES.rejectedCredentials, reason);
}

async function fetchJwks(jwksUri: string): Promise<Jwks> {
  try {
    const response = await fetch(jwksUri);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as Jwks;
  } catch (cause) {
    throw new JwksFetchError(jwksUri, { cause });
  }
}
