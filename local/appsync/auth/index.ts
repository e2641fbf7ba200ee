/** Authentication (who is calling) and field authorization (auth directives) for the local AppSync. */
export { createAuthenticator, type Authenticator } from './authenticator.js';
export { isFieldAuthorized, type ApiAuthorization } from './directives.js';
export { AuthConfigError, JwksFetchError, UNAUTHORIZED_MESSAGES, UnauthorizedError } from './errors.js';
export type { IamIdentity } from './iam.js';
export type { UserPoolIdentity } from './user-pools.js';
export type { AuthConfig, Authentication, AuthRequest, IamPrincipal } from './types.js';
