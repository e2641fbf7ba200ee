/**
 * Signing in with a user pool from the browser: InitiateAuth with USER_PASSWORD_AUTH, as the AppSync console's
 * "Login with User Pools" does. cognito-local allows any origin (CORS), and has no SRP.
 */
import type { IdeUserPool } from '../config.js';

export interface SignedIn {
  readonly username: string;
  /** What AppSync takes in `Authorization` for user-pool auth (Amplify sends the access token too). */
  readonly accessToken: string;
}

/**
 * @throws Error with Cognito's message (e.g. "Incorrect username or password.") when sign-in is refused.
 * @example
 * ```ts
 * const { accessToken } = await signIn(config.userPool, 'alice@example.com', password);
 * ```
 */
export async function signIn(userPool: IdeUserPool, username: string, password: string): Promise<SignedIn> {
  const response = await fetch(userPool.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: userPool.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    AuthenticationResult?: { AccessToken?: string };
    ChallengeName?: string;
    message?: string;
    __type?: string;
  };
  const accessToken = body.AuthenticationResult?.AccessToken;
  if (response.ok && accessToken) return { username, accessToken };
  if (response.ok && body.ChallengeName) {
    throw new Error(`Sign-in needs the ${body.ChallengeName} challenge, which the IDE does not answer.`);
  }
  throw new Error(body.message ?? body.__type ?? `Sign-in failed (HTTP ${response.status}).`);
}
