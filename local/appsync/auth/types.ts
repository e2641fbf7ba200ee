/** The contract between the HTTP/real-time endpoints, the engine and the authenticators. */
import type { AuthMode } from '../description.js';

/** The parts of a request that authentication looks at. For SigV4 the body and path must be exact. */
export interface AuthRequest {
  readonly method: string;
  /** Path as signed, e.g. `/graphql` or `/graphql/connect`. */
  readonly path: string;
  /** Header names in any case; values as sent. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** TCP peer address. */
  readonly sourceIp: string;
}

/** Who is calling, in which mode. */
export interface Authentication {
  readonly mode: AuthMode;
  /** `ctx.identity` exactly as AppSync builds it for this mode (null for API_KEY). */
  readonly identity: unknown;
  /** `util.authType()`, e.g. "User Pool Authorization". */
  readonly authType: string;
  /** Cognito groups (`cognito:groups`), empty when none or not a user-pool caller. */
  readonly groups: readonly string[];
}

/** Local credentials that SigV4-signed requests may use. */
export interface IamPrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
  /** e.g. arn:aws:sts::000000000000:assumed-role/wavechat-bridge/local */
  readonly userArn: string;
  /** IAM principal id reported as `ctx.identity.username`. */
  readonly username: string;
}

export interface AuthConfig {
  /** Enabled modes: the API's default mode first. */
  readonly modes: readonly AuthMode[];
  readonly userPool?: {
    /** Token `iss`, e.g. http://127.0.0.1:9229/local_abc */
    readonly issuer: string;
    readonly jwksUri: string;
    /** Accepted app client ids (ID token `aud`, access token `client_id`). */
    readonly clientIds: readonly string[];
    /** @default 'ALLOW' */
    readonly defaultAction?: 'ALLOW' | 'DENY';
  };
  readonly iam?: { readonly region: string; readonly principals: readonly IamPrincipal[] };
  readonly apiKeys?: readonly { readonly id: string; readonly expires: number }[];
}
