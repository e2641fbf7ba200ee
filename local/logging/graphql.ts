/** How GraphQL requests and their callers read in log lines. */
import { getOperationAST, parse, type DocumentNode, type OperationTypeNode } from 'graphql';
import type { Authentication } from '../appsync/auth/types.js';

export interface OperationSummary {
  /** `query`, `mutation` or `subscription`; `invalid` when the document does not parse or names no operation. */
  readonly type: OperationTypeNode | 'invalid';
  /** The operation's name, else its first root field, e.g. `sendMessage`. */
  readonly name: string;
}

/**
 * The operation a request runs, for its log line, from its parsed document (undefined: it did not parse). The
 * HTTP path passes the engine's cached parse, so logging parses nothing again.
 */
export function summariseOperation(document: DocumentNode | undefined, operationName?: string | null): OperationSummary {
  const operation = document && getOperationAST(document, operationName ?? undefined);
  if (!operation) return { type: 'invalid', name: operationName ?? '' };
  const firstField = operation.selectionSet.selections.find((selection) => selection.kind === 'Field');
  return { type: operation.operation, name: operation.name?.value ?? firstField?.name.value ?? '' };
}

/** {@link summariseOperation} of a query text, parsing it (for callers without the engine's cache). */
export function summariseQuery(query: string): OperationSummary {
  try {
    return summariseOperation(parse(query, { noLocation: true }));
  } catch {
    return summariseOperation(undefined);
  }
}

/** `alice@example.com`, `iam arn:aws:sts::…`, `api key`: who a request was authenticated as. */
export function describeCaller(auth: Authentication): string {
  const identity = (typeof auth.identity === 'object' && auth.identity !== null ? auth.identity : {}) as Record<
    string,
    unknown
  >;
  const text = (key: string): string | undefined => (typeof identity[key] === 'string' ? identity[key] : undefined);
  switch (auth.mode) {
    case 'AMAZON_COGNITO_USER_POOLS':
    case 'OPENID_CONNECT':
      // An ID token names the user by email; an access token only by username (often the sub).
      return email(identity['claims']) ?? text('username') ?? text('sub') ?? 'user';
    case 'AWS_IAM':
      return `iam ${text('userArn') ?? text('username') ?? ''}`.trimEnd();
    case 'API_KEY':
      return 'api key';
    case 'AWS_LAMBDA':
      return 'lambda authorizer';
  }
}

function email(claims: unknown): string | undefined {
  if (typeof claims !== 'object' || claims === null) return undefined;
  const value = (claims as Record<string, unknown>)['email'];
  return typeof value === 'string' ? value : undefined;
}
