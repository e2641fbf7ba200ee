/**
 * Where the chat is and who the user is: the endpoints from amplify_outputs.json, and a Cognito sign-in
 * (USER_PASSWORD_AUTH) against the app's user pool — cognito-local when the outputs name its endpoint.
 */
import { readFile } from 'node:fs/promises';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { AmplifyOutputs } from '../../local/cloud.js';
import { OutputsError, SignInError } from './errors.js';

export interface ChatEndpoints {
  /** The raw WebSocket API's stage URL. */
  readonly webSocketUrl: string | undefined;
  readonly region: string;
  readonly userPoolClientId: string;
  /** cognito-local's endpoint; absent on AWS, where the SDK picks the regional one. */
  readonly userPoolEndpoint: string | undefined;
}

export async function readOutputs(file: string): Promise<ChatEndpoints> {
  let outputs: Partial<AmplifyOutputs>;
  try {
    outputs = JSON.parse(await readFile(file, 'utf8')) as Partial<AmplifyOutputs>;
  } catch (error) {
    throw new OutputsError(file, `cannot read it (${(error as Error).message}); start the local cloud (npm start) or pass --outputs`);
  }
  const auth = outputs.auth;
  if (auth?.aws_region === undefined || auth.user_pool_client_id === undefined) {
    throw new OutputsError(file, 'has no auth.aws_region and auth.user_pool_client_id');
  }
  const custom = outputs.custom?.wavechat;
  return {
    webSocketUrl: custom?.webSocketUrl,
    region: auth.aws_region,
    userPoolClientId: auth.user_pool_client_id,
    userPoolEndpoint: custom?.userPoolEndpoint,
  };
}

/** Tokens are refreshed when they have less than this left. */
const REFRESH_MARGIN_MS = 60_000;

/** A signed-in user: their id and a token for each (re)connection, refreshed before it expires. */
export class CognitoSession {
  private constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly clientId: string,
    private accessToken: string,
    private readonly refreshToken: string,
    /** The user's id (`sub`), which messages carry as `authorId`. */
    readonly userId: string,
  ) {}

  /**
   * @example
   * ```ts
   * const session = await CognitoSession.signIn(await readOutputs('amplify_outputs.json'), email, password);
   * const chat = await connectChat({ url, getToken: () => session.token(), WebSocket });
   * ```
   */
  static async signIn(endpoints: ChatEndpoints, email: string, password: string): Promise<CognitoSession> {
    // InitiateAuth needs no AWS credentials (the SDK sends it unsigned), here or on AWS.
    const cognito = new CognitoIdentityProviderClient({
      region: endpoints.region,
      ...(endpoints.userPoolEndpoint === undefined ? {} : { endpoint: endpoints.userPoolEndpoint }),
    });
    try {
      const { AuthenticationResult: result, ChallengeName } = await cognito.send(
        new InitiateAuthCommand({
          ClientId: endpoints.userPoolClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
      if (result?.AccessToken === undefined || result.RefreshToken === undefined) {
        throw new SignInError(`Sign-in needs a step this client does not support (${ChallengeName ?? 'no tokens returned'})`);
      }
      const userId = String(claimsOf(result.AccessToken).sub);
      return new CognitoSession(cognito, endpoints.userPoolClientId, result.AccessToken, result.RefreshToken, userId);
    } catch (error) {
      cognito.destroy();
      if (error instanceof SignInError) throw error;
      throw new SignInError(`Sign-in failed: ${(error as Error).message}`);
    }
  }

  /** An access token with at least a minute left. */
  async token(): Promise<string> {
    const expiresAt = Number(claimsOf(this.accessToken).exp) * 1000;
    if (expiresAt - Date.now() > REFRESH_MARGIN_MS) return this.accessToken;
    const { AuthenticationResult: result } = await this.cognito.send(
      new InitiateAuthCommand({
        ClientId: this.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: this.refreshToken },
      }),
    );
    if (result?.AccessToken === undefined) throw new SignInError('Refreshing the session returned no access token; sign in again');
    this.accessToken = result.AccessToken;
    return this.accessToken;
  }

  close(): void {
    this.cognito.destroy();
  }
}

/** The payload of a JWT Cognito issued (not verified: the server does that). */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
