/**
 * The Lambda REQUEST authorizer on `$connect`: identity-source checks, the IAM policy it returns, and the context it
 * hands to every later event of the connection. Outcomes follow API Gateway's Lambda authorizer rules (which the
 * WebSocket guide shares with REST APIs): `Unauthorized` → 401, Deny or no matching Allow → 403, anything else
 * that goes wrong → 500.
 */

/** Where an identity source is read from. `stageVariables.*` is not accepted: this emulator has no stage variables. */
export interface IdentitySource {
  readonly from: 'header' | 'querystring' | 'context';
  readonly name: string;
}

const IDENTITY_SOURCE_PREFIXES: ReadonlyArray<readonly [string, IdentitySource['from']]> = [
  ['route.request.header.', 'header'],
  ['route.request.querystring.', 'querystring'],
  ['context.', 'context'],
];

/** Parses `route.request.header.Auth`, `route.request.querystring.token` or `context.<variable>`. */
export function parseIdentitySource(source: string): IdentitySource | undefined {
  for (const [prefix, from] of IDENTITY_SOURCE_PREFIXES) {
    if (source.startsWith(prefix) && source.length > prefix.length) return { from, name: source.slice(prefix.length) };
  }
  return undefined;
}

/** What identity sources are looked up in. */
export interface IdentityInputs {
  /** Request headers keyed by lower-case name. */
  readonly headers: ReadonlyMap<string, string>;
  readonly query: URLSearchParams;
  readonly requestContext: Readonly<Record<string, unknown>>;
}

/** Whether one of `sources` is absent or empty: API Gateway then answers 401 without calling the authorizer. */
export function isIdentityMissing(sources: readonly IdentitySource[], inputs: IdentityInputs): boolean {
  return sources.some((source) => {
    const value =
      source.from === 'header'
        ? inputs.headers.get(source.name.toLowerCase())
        : source.from === 'querystring'
        ? inputs.query.get(source.name)
        : inputs.requestContext[source.name];
    return value === undefined || value === null || value === '';
  });
}

/** The authorizer's verdict on `$connect`. */
export type AuthorizerVerdict =
  | {
      readonly outcome: 'allow';
      /** `requestContext.authorizer` of every later event: stringified context, principalId, integrationLatency. */
      readonly requestContextAuthorizer: Readonly<Record<string, unknown>>;
    }
  | { readonly outcome: 'unauthorized' | 'explicit-deny' | 'not-allowed' | 'configuration-error' };

/** API Gateway's quota for an authorizer's response. */
const MAX_AUTHORIZER_RESULT_BYTES = 8 * 1024;

/** Judges what the authorizer function returned for the request to `methodArn`. */
export function judgeAuthorizerResult(
  result: unknown,
  methodArn: string,
  integrationLatencyMs: number,
): AuthorizerVerdict {
  if (!isRecord(result) || Buffer.byteLength(JSON.stringify(result)) > MAX_AUTHORIZER_RESULT_BYTES) {
    return { outcome: 'configuration-error' };
  }
  const { principalId, policyDocument, context } = result;
  if (typeof principalId !== 'string' && typeof principalId !== 'number') return { outcome: 'configuration-error' };
  const stringifiedContext = stringifyContext(context);
  const decision = evaluatePolicy(policyDocument, methodArn);
  if (stringifiedContext === undefined || decision === 'invalid') return { outcome: 'configuration-error' };
  if (decision !== 'allow') return { outcome: decision };
  return {
    outcome: 'allow',
    requestContextAuthorizer: {
      ...stringifiedContext,
      principalId: String(principalId),
      integrationLatency: integrationLatencyMs,
    },
  };
}

/** A failed authorizer invocation: the exact message `Unauthorized` means 401, anything else 500. */
export function judgeAuthorizerError(error: unknown): AuthorizerVerdict {
  return { outcome: errorMessageOf(error) === 'Unauthorized' ? 'unauthorized' : 'configuration-error' };
}

/** The message a Lambda error carries: Lambda's `errorMessage` when the invoker reports one, else `message`. */
function errorMessageOf(error: unknown): unknown {
  if (!isRecord(error)) return undefined;
  return 'errorMessage' in error ? error.errorMessage : error.message;
}

/** Context values must be strings, numbers or booleans (or null); they reach integrations as strings. */
function stringifyContext(context: unknown): Record<string, string | null> | undefined {
  if (context === undefined || context === null) return {};
  if (!isRecord(context)) return undefined;
  const stringified: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === null) stringified[key] = null;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      stringified[key] = String(value);
    } else return undefined;
  }
  return stringified;
}

type PolicyDecision = 'allow' | 'explicit-deny' | 'not-allowed' | 'invalid';

/** IAM evaluation of the returned policy for `execute-api:Invoke` on `methodArn`: an explicit Deny wins. */
function evaluatePolicy(policyDocument: unknown, methodArn: string): PolicyDecision {
  if (!isRecord(policyDocument)) return 'invalid';
  const statements = toList(policyDocument.Statement);
  if (statements === undefined || statements.length === 0) return 'invalid';
  let allowed = false;
  for (const statement of statements) {
    if (!isRecord(statement)) return 'invalid';
    const effect = typeof statement.Effect === 'string' ? statement.Effect.toLowerCase() : undefined;
    const actions = toList(statement.Action);
    const resources = toList(statement.Resource);
    if ((effect !== 'allow' && effect !== 'deny') || actions === undefined || resources === undefined) return 'invalid';
    const applies =
      actions.some(
        (action) => typeof action === 'string' && matchesWildcard(action.toLowerCase(), 'execute-api:invoke'),
      ) && resources.some((resource) => typeof resource === 'string' && matchesWildcard(resource, methodArn));
    if (!applies) continue;
    if (effect === 'deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'not-allowed';
}

/** IAM wildcards: `*` any run of characters (slashes included), `?` one character. */
function matchesWildcard(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function toList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  return value === undefined ? undefined : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
