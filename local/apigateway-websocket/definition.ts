/** Checks a `WebSocketApiDefinition` the way API Gateway would and resolves its defaults. */
import { parseIdentitySource, type IdentitySource } from './authorizer.js';
import type { WebSocketApiDefinition } from './description.js';
import { WebSocketApiDefinitionError } from './errors.js';
import { parseRouteSelectionExpression, type RouteSelectionExpression } from './route-selection.js';

export const CONNECT_ROUTE = '$connect';
export const DISCONNECT_ROUTE = '$disconnect';
export const DEFAULT_ROUTE = '$default';
const PREDEFINED_ROUTES: ReadonlySet<string> = new Set([CONNECT_ROUTE, DISCONNECT_ROUTE, DEFAULT_ROUTE]);

const DEFAULT_ROUTE_SELECTION_EXPRESSION = '$request.body.action';
const DEFAULT_STAGE_NAME = 'prod';
/** API Gateway's stage-name rule. */
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** API Gateway's quota of routes per API. */
const MAX_ROUTES = 300;

/** A definition with its defaults applied and its expressions parsed. */
export interface ResolvedWebSocketApi {
  readonly name: string;
  readonly stageName: string;
  readonly routeSelection: RouteSelectionExpression;
  /** Function name by route key. */
  readonly routes: ReadonlyMap<string, string>;
  readonly authorizer?: { readonly functionName: string; readonly identitySources: readonly IdentitySource[] };
}

/** @throws {@link WebSocketApiDefinitionError} for anything API Gateway would refuse to deploy */
export function resolveDefinition(definition: WebSocketApiDefinition): ResolvedWebSocketApi {
  const fail = (problem: string): never => {
    throw new WebSocketApiDefinitionError(definition.name, problem);
  };
  const stageName = definition.stageName ?? DEFAULT_STAGE_NAME;
  if (!STAGE_NAME.test(stageName)) fail(`stage name ${JSON.stringify(stageName)} must be 1-128 of A-Z a-z 0-9 - _`);

  const routeSelection = parseRouteSelectionExpression(
    definition.routeSelectionExpression ?? DEFAULT_ROUTE_SELECTION_EXPRESSION,
  );
  if (typeof routeSelection === 'string') return fail(routeSelection);

  if (definition.routes.length > MAX_ROUTES)
    fail(`${definition.routes.length} routes exceed the quota of ${MAX_ROUTES}`);
  const routes = new Map<string, string>();
  for (const { routeKey, function: functionName } of definition.routes) {
    if (routeKey === '') fail('a route key is empty');
    if (routeKey.startsWith('$') && !PREDEFINED_ROUTES.has(routeKey)) {
      fail(`custom route key ${JSON.stringify(routeKey)} must not start with $`);
    }
    if (routes.has(routeKey)) fail(`route ${routeKey} is defined twice`);
    if (functionName === '') fail(`route ${routeKey} names no function`);
    routes.set(routeKey, functionName);
  }

  if (definition.authorizer === undefined) return { name: definition.name, stageName, routeSelection, routes };
  const { function: authorizerFunction, identitySource = [] } = definition.authorizer;
  if (authorizerFunction === '') fail('the authorizer names no function');
  const identitySources = identitySource.map(
    (source) =>
      parseIdentitySource(source) ??
      fail(
        `identity source ${JSON.stringify(source)} must be route.request.header.<name>, ` +
          'route.request.querystring.<name> or context.<variable> (stage variables are not emulated)',
      ),
  );
  return {
    name: definition.name,
    stageName,
    routeSelection,
    routes,
    authorizer: { functionName: authorizerFunction, identitySources },
  };
}
