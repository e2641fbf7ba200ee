/**
 * The stack's outputs and the `amplify_outputs.json` they make: the same file `npm start` writes for the local
 * cloud, so an app moves between local and AWS by swapping that one file.
 */
import type { AmplifyOutputs } from '../local/cloud.js';
import { MissingStackOutputError } from './errors.js';

/** Output keys of the chat stack (CloudFormation output names). */
export const STACK_OUTPUTS = {
  region: 'Region',
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
  /** JSON of the pool's password policy, in `amplify_outputs.json`'s shape. */
  passwordPolicy: 'PasswordPolicy',
  /** The hosted sign-in domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  hostedUiUrl: 'HostedUiUrl',
  graphqlUrl: 'GraphqlUrl',
  realtimeUrl: 'RealtimeUrl',
  /** JSON `{ "default": mode, "additional": [modes] }`. */
  graphqlAuthorization: 'GraphqlAuthorization',
  /** Only with a WebSocket API: `wss://…/<stage>`. */
  webSocketUrl: 'WebSocketUrl',
  eventBusName: 'EventBusName',
  /** Only when the web client was deployed. */
  webUrl: 'WebUrl',
  dashboardName: 'DashboardName',
} as const;

/** The JSON in the {@link STACK_OUTPUTS.graphqlAuthorization} output. */
export interface GraphqlAuthorizationOutput {
  readonly default: string;
  readonly additional: readonly string[];
}

/**
 * Builds `amplify_outputs.json` from the deployed stack's outputs (as `cdk deploy --outputs-file` writes them for
 * one stack). The local-only keys of `custom.wavechat` (`userPoolEndpoint`, `caFile`) are left out: on AWS the
 * SDK's default endpoints and trust store apply.
 *
 * @throws {@link MissingStackOutputError} when an output the file needs is absent
 * @example
 * ```ts
 * const all = JSON.parse(await readFile('cdk.out/outputs.json', 'utf8'));
 * await writeFile('amplify_outputs.json', JSON.stringify(amplifyOutputsFromStackOutputs(all.Wavechat), null, 2));
 * ```
 */
export function amplifyOutputsFromStackOutputs(outputs: Readonly<Record<string, string>>): AmplifyOutputs {
  const output = (key: string): string => {
    const value = outputs[key];
    if (value === undefined) throw new MissingStackOutputError(key);
    return value;
  };
  const region = output(STACK_OUTPUTS.region);
  const password = JSON.parse(output(STACK_OUTPUTS.passwordPolicy)) as AmplifyOutputs['auth']['password_policy'];
  const authorization = JSON.parse(output(STACK_OUTPUTS.graphqlAuthorization)) as GraphqlAuthorizationOutput;
  return {
    version: '1.3',
    auth: {
      aws_region: region,
      user_pool_id: output(STACK_OUTPUTS.userPoolId),
      user_pool_client_id: output(STACK_OUTPUTS.userPoolClientId),
      username_attributes: ['email'],
      standard_required_attributes: ['email'],
      user_verification_types: ['email'],
      password_policy: {
        min_length: password.min_length,
        require_lowercase: password.require_lowercase,
        require_numbers: password.require_numbers,
        require_symbols: password.require_symbols,
        require_uppercase: password.require_uppercase,
      },
    },
    data: {
      aws_region: region,
      url: output(STACK_OUTPUTS.graphqlUrl),
      default_authorization_type: authorization.default,
      authorization_types: [...authorization.additional],
    },
    custom: {
      wavechat: {
        realtimeUrl: output(STACK_OUTPUTS.realtimeUrl),
        // Present when the app deploys its raw WebSocket API.
        ...(outputs[STACK_OUTPUTS.webSocketUrl] ? { webSocketUrl: outputs[STACK_OUTPUTS.webSocketUrl] } : {}),
      },
    },
  };
}
