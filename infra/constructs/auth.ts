/**
 * Sign-in: a Cognito user pool (email as the user name) with admin and moderator groups, its hosted domain, and one
 * public app client for the web and mobile apps.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The password rules; they are also written to `amplify_outputs.json` so clients can check before signing up. */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireDigits: boolean;
  readonly requireSymbols: boolean;
}

/** Strong enough for cdk-nag's AwsSolutions-COG1 (length ≥ 8 with upper case, digits and symbols). */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
};

export interface ChatAuthProps {
  /** Prefix of the user pool's name; CloudFormation adds a unique suffix. */
  readonly name: string;
  /**
   * Prefix of the hosted domain `https://<prefix>.auth.<region>.amazoncognito.com` that serves the OAuth 2
   * endpoints: lower-case letters, digits and hyphens, unique in the region, without `aws`, `amazon` or `cognito`.
   */
  readonly domainPrefix: string;
  /** Where the hosted sign-in may redirect after signing in (authorisation-code flow). */
  readonly callbackUrls: readonly string[];
  /** Where the hosted sign-out may redirect. @default the callback URLs */
  readonly logoutUrls?: readonly string[];
  /** @default {@link DEFAULT_PASSWORD_POLICY} */
  readonly passwordPolicy?: PasswordPolicy;
  /** Lifetime of access tokens (5 minutes to 1 day). @default 1 hour */
  readonly accessTokenValidity?: Duration;
  /** Lifetime of ID tokens (5 minutes to 1 day). @default 1 hour */
  readonly idTokenValidity?: Duration;
  /** Lifetime of refresh tokens (1 hour to 10 years). @default 30 days */
  readonly refreshTokenValidity?: Duration;
  /**
   * Multi-factor authentication with authenticator apps (TOTP; SMS is not offered, it costs per message).
   * @default 'OPTIONAL'
   */
  readonly mfa?: 'OFF' | 'OPTIONAL' | 'REQUIRED';
  /**
   * Cognito's Plus feature plan with threat protection enforced (compromised-credential and adaptive
   * authentication). Billed per monthly active user on top of Essentials: see docs/cost.md.
   * @default false (Essentials plan)
   */
  readonly threatProtection?: boolean;
  /** Cognito groups, in precedence order (the first wins when a user is in several). @default ['admins', 'moderators'] */
  readonly groups?: readonly string[];
}

/**
 * The user pool, its groups, hosted domain and app client.
 *
 * The client is public (no secret), so browsers and apps use SRP or USER_PASSWORD_AUTH directly, or the hosted
 * authorisation-code flow with PKCE (Amplify always sends an S256 `code_challenge`; Cognito has no switch that
 * makes PKCE mandatory for a client).
 *
 * @example
 * ```ts
 * const auth = new ChatAuth(stack, 'Auth', {
 *   name: 'wavechat',
 *   domainPrefix: 'wavechat-dev-123456789012',
 *   callbackUrls: ['http://localhost:5173/'],
 * });
 * auth.userPool.userPoolId;
 * ```
 */
export class ChatAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly groups: readonly cognito.UserPoolGroup[];
  readonly passwordPolicy: PasswordPolicy;
  /** The token issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: ChatAuthProps) {
    super(scope, id);
    this.passwordPolicy = props.passwordPolicy ?? DEFAULT_PASSWORD_POLICY;
    const mfa = props.mfa ?? 'OPTIONAL';
    const plus = props.threatProtection ?? false;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: props.name,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      selfSignUpEnabled: true,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: this.passwordPolicy.minLength,
        requireLowercase: this.passwordPolicy.requireLowercase,
        requireUppercase: this.passwordPolicy.requireUppercase,
        requireDigits: this.passwordPolicy.requireDigits,
        requireSymbols: this.passwordPolicy.requireSymbols,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: { OFF: cognito.Mfa.OFF, OPTIONAL: cognito.Mfa.OPTIONAL, REQUIRED: cognito.Mfa.REQUIRED }[mfa],
      mfaSecondFactor: mfa === 'OFF' ? undefined : { otp: true, sms: false },
      featurePlan: plus ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: plus ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (mfa !== 'REQUIRED') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'MFA (TOTP) is offered to every user but required only when the mfa prop says so: a chat app that forces ' +
          'an authenticator app on sign-up loses most users; admins and moderators are expected to enable it.',
      });
    }
    if (!plus) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus plan (threat protection) is billed per monthly active user and is opt-in through the ' +
          'threatProtection prop; docs/cost.md has the numbers.',
      });
    }

    const groupNames = props.groups ?? ['admins', 'moderators'];
    this.groups = groupNames.map((groupName, precedence) =>
      this.userPool.addGroup(`Group-${groupName}`, { groupName, precedence }),
    );

    this.domain = this.userPool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    this.userPoolClient = this.userPool.addClient('AppClient', {
      userPoolClientName: `${props.name}-app`,
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [...props.callbackUrls],
        logoutUrls: [...(props.logoutUrls ?? props.callbackUrls)],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: props.accessTokenValidity ?? Duration.hours(1),
      idTokenValidity: props.idTokenValidity ?? Duration.hours(1),
      refreshTokenValidity: props.refreshTokenValidity ?? Duration.days(30),
    });

    // Built rather than taken from the ProviderURL attribute, which has no scheme.
    const stack = Stack.of(this);
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
  }
}
