/**
 * Deciding a WebSocket handshake as API Gateway does while the upgrade request waits: identity sources, the Lambda
 * REQUEST authorizer, then the `$connect` integration, whose non-2xx status becomes the HTTP answer and whose headers
 * (notably `Sec-WebSocket-Protocol`) go into the 101 response.
 */
import {
  isIdentityMissing,
  judgeAuthorizerError,
  judgeAuthorizerResult,
  type AuthorizerVerdict,
} from './authorizer.js';
import { CONNECT_ROUTE, type ResolvedWebSocketApi } from './definition.js';
import {
  authorizerEvent,
  connectEvent,
  connectMethodArn,
  type ApiFacts,
  type ConnectionFacts,
  type HandshakeRequest,
} from './events.js';
import { newGatewayId } from './ids.js';
import { callIntegration, type InvokeFunction } from './integration.js';

/** An HTTP answer that refuses the upgrade. */
export interface HandshakeRefusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type HandshakeOutcome =
  | {
      readonly accepted: true;
      readonly authorizer: Readonly<Record<string, unknown>> | undefined;
      /** Headers from the `$connect` integration for the 101 response. */
      readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
    }
  | { readonly accepted: false; readonly refusal: HandshakeRefusal };

export interface HandshakeContext {
  readonly api: ResolvedWebSocketApi;
  readonly facts: ApiFacts;
  readonly invoke: InvokeFunction;
  readonly integrationTimeoutMs: number;
}

function refusal(status: number, errorType: string | undefined, body: unknown): HandshakeOutcome {
  return {
    accepted: false,
    refusal: {
      status,
      headers: errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType },
      body: body === undefined ? '' : JSON.stringify(body),
    },
  };
}

/** API Gateway's answers for a refused authorization (REST and WebSocket share them). */
const AUTHORIZER_REFUSALS: Record<Exclude<AuthorizerVerdict['outcome'], 'allow'>, () => HandshakeOutcome> = {
  unauthorized: () => refusal(401, 'UnauthorizedException', { message: 'Unauthorized' }),
  'explicit-deny': () =>
    refusal(403, 'AccessDeniedException', {
      Message: 'User is not authorized to access this resource with an explicit deny',
    }),
  'not-allowed': () =>
    refusal(403, 'AccessDeniedException', { Message: 'User is not authorized to access this resource' }),
  'configuration-error': () => refusal(500, 'AuthorizerConfigurationException', { message: null }),
};

/** Runs the authorizer and `$connect` for one upgrade request. Never rejects. */
export async function negotiateHandshake(
  context: HandshakeContext,
  connection: ConnectionFacts,
  request: HandshakeRequest,
): Promise<HandshakeOutcome> {
  const { api, facts, invoke, integrationTimeoutMs } = context;
  const requestId = newGatewayId();
  let authorizer: Readonly<Record<string, unknown>> | undefined;

  if (api.authorizer !== undefined) {
    const requestedAt = Date.now();
    const event = authorizerEvent(facts, connection, request, requestId, requestedAt);
    const headers = new Map([...request.headers].map(([key, { values }]) => [key, values[values.length - 1] ?? '']));
    const requestContext = event.requestContext as Record<string, unknown>;
    if (isIdentityMissing(api.authorizer.identitySources, { headers, query: request.query, requestContext })) {
      return AUTHORIZER_REFUSALS.unauthorized();
    }
    const outcome = await callIntegration(invoke, api.authorizer.functionName, event, integrationTimeoutMs);
    const verdict =
      outcome.kind === 'result'
        ? judgeAuthorizerResult(outcome.value, connectMethodArn(facts), Date.now() - requestedAt)
        : outcome.kind === 'error'
        ? judgeAuthorizerError(outcome.error)
        : ({ outcome: 'configuration-error' } as const);
    if (verdict.outcome !== 'allow') return AUTHORIZER_REFUSALS[verdict.outcome]();
    authorizer = verdict.requestContextAuthorizer;
  }

  const functionName = api.routes.get(CONNECT_ROUTE);
  // A $connect integration is optional; without one every (authorized) connection is accepted.
  if (functionName === undefined) return { accepted: true, authorizer, responseHeaders: [] };
  const event = connectEvent(facts, connection, request, authorizer, requestId, Date.now());
  const outcome = await callIntegration(invoke, functionName, event, integrationTimeoutMs);
  if (outcome.kind === 'timeout') {
    return refusal(504, undefined, { message: 'Endpoint request timed out' });
  }
  if (outcome.kind === 'error') {
    return refusal(502, 'InternalServerErrorException', { message: 'Internal server error' });
  }
  return judgeConnectResult(outcome.value, authorizer);
}

/**
 * A 2xx `statusCode` accepts, with the integration's headers; any other valid HTTP status is the refusal's status.
 * A result without a usable `statusCode` is a malformed proxy response, 502 as for REST Lambda proxies.
 */
function judgeConnectResult(
  result: unknown,
  authorizer: Readonly<Record<string, unknown>> | undefined,
): HandshakeOutcome {
  const statusCode =
    typeof result === 'object' && result !== null ? (result as { statusCode?: unknown }).statusCode : undefined;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 200 || statusCode > 599) {
    return refusal(502, 'InternalServerErrorException', { message: 'Internal server error' });
  }
  if (statusCode >= 300) return refusal(statusCode, undefined, undefined);
  return { accepted: true, authorizer, responseHeaders: responseHeaders((result as { headers?: unknown }).headers) };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers of the 101 response that the WebSocket handshake itself decides. */
const HANDSHAKE_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'upgrade',
  'sec-websocket-accept',
  'sec-websocket-extensions',
  'content-length',
  'transfer-encoding',
]);

/** The integration's `headers` that can go into a 101 response; anything malformed is left out. */
function responseHeaders(headers: unknown): Array<readonly [string, string]> {
  if (typeof headers !== 'object' || headers === null) return [];
  const valid: Array<readonly [string, string]> = [];
  for (const [name, raw] of Object.entries(headers)) {
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') continue;
    const value = String(raw);
    if (HEADER_NAME.test(name) && HEADER_VALUE.test(value) && !HANDSHAKE_HEADERS.has(name.toLowerCase())) {
      valid.push([name, value]);
    }
  }
  return valid;
}
