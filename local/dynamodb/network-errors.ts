/** Failures to reach DynamoDB Local at all, as opposed to answers from it. */

/** Node's codes for a connection that could not be made or was lost (retried by the wire client). */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** A failure to reach DynamoDB at all, as opposed to an answer from it. */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && NETWORK_ERROR_CODES.has(code);
}
