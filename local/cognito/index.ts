/** cognito-local for the local cloud: run it, and provision pools, clients, groups and users in it. */
export { startCognitoLocal, type CognitoLocal, type StartCognitoLocalOptions } from './server.js';
export {
  createUser,
  provisionUserPool,
  signIn,
  type SignInTokens,
  type UserPoolInfo,
  type UserPoolSpec,
  type UserSpec,
} from './provision.js';
export { CognitoLocalStartError, CognitoProvisioningError, PortInUseError } from './errors.js';
