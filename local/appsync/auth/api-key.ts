/** API_KEY: the `x-api-key` header must name a configured, unexpired key. */
import { UNAUTHORIZED_MESSAGES, UnauthorizedError } from './errors.js';
import type { AuthConfig, Authentication } from './types.js';

/** Checks `x-api-key` values. */
export interface ApiKeyVerifier {
  /** @throws UnauthorizedError for unknown or expired keys. */
  verify(apiKey: string, now: Date): Authentication;
}

export function createApiKeyVerifier(apiKeys: NonNullable<AuthConfig['apiKeys']>): ApiKeyVerifier {
  const expiries = new Map(apiKeys.map((key) => [key.id, key.expires]));
  return {
    verify(apiKey, now) {
      const expires = expiries.get(apiKey);
      if (expires === undefined) throw new UnauthorizedError(UNAUTHORIZED_MESSAGES.rejectedCredentials, 'unknown API key');
      if (now.getTime() >= expires * 1000) {
        throw new UnauthorizedError(UNAUTHORIZED_MESSAGES.rejectedCredentials, `API key expired at ${new Date(expires * 1000).toISOString()}`);
      }
      // AppSync does not populate ctx.identity for API keys.
      return { mode: 'API_KEY', identity: null, authType: 'API Key Authorization', groups: [] };
    },
  };
}
