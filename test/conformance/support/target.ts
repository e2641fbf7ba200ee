/**
 * What the conformance suite runs against: the outputs an app would be given (`amplify_outputs.json`), signed-in
 * test users, and an IAM caller. By default an in-process local cloud; with `WAVECHAT_CONFORMANCE_OUTPUTS` set, what
 * that file describes: a deployed stack, reached with the caller's own AWS credentials (docs/conformance.md), or a
 * local cloud that `npm start` runs.
 *
 * Users are made the same way on both: Cognito's admin API (AdminCreateUser + AdminSetUserPassword) on the pool the
 * outputs name — cognito-local's endpoint from `custom.wavechat.userPoolEndpoint` locally, Cognito itself on AWS —
 * then a USER_PASSWORD_AUTH sign-in. `close()` deletes them.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity } from '@smithy/types';
import { LOCAL_BACKEND_PRINCIPAL, type AmplifyOutputs } from '../../../local/cloud.js';
import { startFullChatCloud } from '../../support/cloud.js';
import { ConformanceOutputsError, TestUserError } from './errors.js';

/** The environment variable naming a deployed stack's `amplify_outputs.json`; unset: the local cloud. */
export const OUTPUTS_VARIABLE = 'WAVECHAT_CONFORMANCE_OUTPUTS';

/** A confirmed, signed-in user of the target's pool. */
export interface ConformanceUser {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  /** The Cognito `sub`: the user's id in the chat API. */
  readonly sub: string;
  readonly idToken: string;
  /** What aws-amplify sends to AppSync. */
  readonly accessToken: string;
}

/** SigV4 credentials allowed to call the GraphQL API's `@aws_iam` fields, as the WebSocket bridge does. */
export interface IamCaller {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity;
}

export interface ConformanceTarget {
  readonly kind: 'local' | 'aws';
  readonly outputs: AmplifyOutputs;
  /** PEM bundle to trust for https:// and wss:// (the local CA, or Node's public roots on AWS). */
  readonly ca: string;
  readonly iam: IamCaller;
  /** Creates and signs in a fresh user; `name` only makes its email readable. */
  user(name: string): Promise<ConformanceUser>;
  /** Deletes the users it created, then stops the local cloud (if it started one). */
  close(): Promise<void>;
}

/**
 * Opens the target this run is about: what `WAVECHAT_CONFORMANCE_OUTPUTS` names, or a fresh in-process local cloud.
 *
 * @example
 * ```ts
 * const target = await openTarget();
 * const ada = await target.user('ada');
 * await postGraphql(target, { query: '{ myRooms { items { id } } }' }, { token: ada.accessToken });
 * await target.close();
 * ```
 */
export async function openTarget(): Promise<ConformanceTarget> {
  const file = process.env[OUTPUTS_VARIABLE];
  if (file) return targetOf(await readOutputs(file), async () => undefined);
  const cloud = await startFullChatCloud();
  try {
    return await targetOf(cloud.outputs, () => cloud.stop());
  } catch (error) {
    await cloud.stop();
    throw error;
  }
}

async function readOutputs(file: string): Promise<AmplifyOutputs> {
  const outputs = JSON.parse(await readFile(file, 'utf8')) as Partial<AmplifyOutputs>;
  const wavechat = outputs.custom?.wavechat;
  if (!outputs.data?.url || !outputs.auth?.user_pool_id || !wavechat?.realtimeUrl || !wavechat.webSocketUrl) {
    throw new ConformanceOutputsError(
      file,
      'needs data.url, auth.user_pool_id, custom.wavechat.realtimeUrl and custom.wavechat.webSocketUrl (npm run deploy and npm start write them)',
    );
  }
  return outputs as AmplifyOutputs;
}

/**
 * The target an outputs file describes. A local cloud's (it names cognito-local's endpoint) is reached with the
 * local backend principal and CA; a deployed stack's with the caller's AWS credentials and the public roots.
 */
async function targetOf(outputs: AmplifyOutputs, stop: () => Promise<void>): Promise<ConformanceTarget> {
  const { userPoolEndpoint, caFile } = outputs.custom.wavechat;
  const region = outputs.auth.aws_region;
  if (userPoolEndpoint) {
    const { accessKeyId, secretAccessKey } = LOCAL_BACKEND_PRINCIPAL;
    return withUsers({
      kind: 'local',
      outputs,
      ca: caFile ? await readFile(caFile, 'utf8') : rootCertificates.join('\n'),
      iam: { region: outputs.data.aws_region, credentials: { accessKeyId, secretAccessKey } },
      // cognito-local ignores credentials, but the SDK insists on some; fixed ones keep it off the developer's profile.
      cognito: new CognitoIdentityProviderClient({
        endpoint: userPoolEndpoint,
        region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
      stop,
    });
  }
  const credentials = await defaultProvider()();
  return withUsers({
    kind: 'aws',
    outputs,
    ca: rootCertificates.join('\n'),
    iam: { region: outputs.data.aws_region, credentials },
    cognito: new CognitoIdentityProviderClient({ region, credentials }),
    stop,
  });
}

function withUsers(base: {
  kind: ConformanceTarget['kind'];
  outputs: AmplifyOutputs;
  ca: string;
  iam: IamCaller;
  cognito: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}): ConformanceTarget {
  const { cognito, outputs } = base;
  const UserPoolId = outputs.auth.user_pool_id;
  const run = randomBytes(4).toString('hex');
  const created: string[] = [];
  return {
    kind: base.kind,
    outputs,
    ca: base.ca,
    iam: base.iam,
    async user(name) {
      const email = `conformance-${run}-${name}@example.com`;
      // Meets the deployed pool's policy (12+ characters with upper and lower case, digits and symbols).
      const password = `Cf-${randomBytes(12).toString('base64url')}-9aZ!`;
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: email,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
          MessageAction: 'SUPPRESS',
        }),
      );
      created.push(email);
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }));
      const { AuthenticationResult: tokens, ChallengeName } = await cognito.send(
        new InitiateAuthCommand({
          ClientId: outputs.auth.user_pool_client_id,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
      if (!tokens?.IdToken || !tokens.AccessToken) {
        throw new TestUserError(`Sign-in of ${email} gave no tokens (challenge ${ChallengeName ?? 'none'})`);
      }
      const sub = (jwtClaims(tokens.IdToken) as { sub?: string }).sub;
      if (!sub) throw new TestUserError(`The ID token of ${email} has no sub`);
      return { name, email, password, sub, idToken: tokens.IdToken, accessToken: tokens.AccessToken };
    },
    async close() {
      try {
        await Promise.all(created.map((Username) => cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username }))));
      } finally {
        cognito.destroy();
        await base.stop();
      }
    },
  };
}

/** A JWT's payload, unverified (the suite only reads its own fresh tokens). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new TestUserError('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
