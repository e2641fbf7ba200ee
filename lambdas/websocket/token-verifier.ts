/**
 * Verifies Cognito user-pool tokens (ID or access) with aws-jwt-verify: the issuer, the signature against the
 * issuer's JWKS (`<issuer>/.well-known/jwks.json`, where Cognito publishes it), expiry, and what
 * CognitoJwtVerifier adds (`token_use`, and the client of that kind of token). One code path for every issuer:
 * JwtVerifier with a fetch()-based JWKS fetcher, because CognitoJwtVerifier accepts only AWS-shaped pool ids and its
 * fetcher only https, and a Lambda must not branch on where it runs.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ENVIRONMENT, perEnvironment, requireEnvironment } from '../shared/environment.js';

/** Who a verified token belongs to. */
export interface TokenOwner {
  /** The Cognito `sub`: the user id everywhere in wavechat. */
  readonly sub: string;
  /** `cognito:username` (ID token) or `username` (access token). */
  readonly username: string;
}

export interface TokenVerifier {
  /** @throws an aws-jwt-verify error (expired, bad signature, wrong issuer or client, …) */
  verify(token: string): Promise<TokenOwner>;
}

export interface TokenVerifierOptions {
  /** Token `iss`: https://cognito-idp.{region}.amazonaws.com/{userPoolId} on AWS. */
  readonly issuer: string;
  /** The app client whose tokens are accepted. */
  readonly clientId: string;
}

type JwksFetcher = NonNullable<NonNullable<ConstructorParameters<typeof SimpleJwksCache>[0]>['fetcher']>;

/** Fetches a JWKS with the platform's fetch(), which speaks http as well as https. */
const fetchApiFetcher: JwksFetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(5000) });
    if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  },
};

/**
 * @example
 * ```ts
 * const verifier = createTokenVerifier({ issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', clientId });
 * const { sub } = await verifier.verify(token);
 * ```
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verify = issuerVerify(options.issuer.replace(/\/+$/, ''), options.clientId);
  return {
    async verify(token) {
      return ownerOf(await verify(token));
    },
  };
}

function issuerVerify(issuer: string, clientId: string): (token: string) => Promise<JwtPayload> {
  const verifier = JwtVerifier.create(
    {
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      // Which claim names the client depends on the token kind, so it is checked in customJwtCheck.
      audience: null,
      customJwtCheck: ({ payload }) => checkCognitoClaims(payload, clientId),
    },
    { jwksCache: new SimpleJwksCache({ fetcher: fetchApiFetcher }) },
  );
  return (token) => verifier.verify(token);
}

/** What CognitoJwtVerifier checks beyond issuer and signature: `token_use`, and the client of that kind of token. */
function checkCognitoClaims(payload: JwtPayload, clientId: string): void {
  if (payload.token_use === 'id') {
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (!audiences.includes(clientId)) throw new Error(`ID token audience ${String(payload.aud)} is not client ${clientId}`);
    return;
  }
  if (payload.token_use === 'access') {
    if (payload.client_id !== clientId) throw new Error(`Access token client_id ${String(payload.client_id)} is not client ${clientId}`);
    return;
  }
  throw new Error(`token_use ${String(payload.token_use)} is neither id nor access`);
}

function ownerOf(payload: JwtPayload): TokenOwner {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('The token has no sub claim');
  const username = payload['cognito:username'] ?? payload.username;
  return { sub: payload.sub, username: typeof username === 'string' ? username : payload.sub };
}

/** The verifier for USER_POOL_ISSUER and USER_POOL_CLIENT_ID; kept while they stay the same (JWKS cache included). */
export const tokenVerifierFromEnvironment: () => TokenVerifier = perEnvironment(
  [ENVIRONMENT.userPoolIssuer, ENVIRONMENT.userPoolClientId],
  () =>
    createTokenVerifier({
      issuer: requireEnvironment(ENVIRONMENT.userPoolIssuer),
      clientId: requireEnvironment(ENVIRONMENT.userPoolClientId),
    }),
);
