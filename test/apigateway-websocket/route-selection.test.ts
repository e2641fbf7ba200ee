import { describe, expect, it } from 'vitest';
import {
  parseRouteSelectionExpression,
  type RouteSelectionExpression,
} from '../../local/apigateway-websocket/route-selection.js';

function parse(expression: string): RouteSelectionExpression {
  const parsed = parseRouteSelectionExpression(expression);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('route selection expressions', () => {
  it.each([
    ['$request.body.action', '{"action":"send"}', 'send'],
    ['$request.body.action', '{"action":7}', '7'],
    ['$request.body.action', '{"action":true}', 'true'],
    ['$request.body.action', '{"action":null}', ''],
    ['$request.body.action', '{"other":1}', ''],
    ['$request.body.action', '"just a string"', ''],
    ['$request.body.action', '{"action":["item1","item2"]}', '[item1, item2]'],
    ['$request.body.meta.kind', '{"meta":{"kind":"typing"}}', 'typing'],
    ['$request.body.items[1]', '{"items":["a","b"]}', 'b'],
    ["$request.body['odd key']", '{"odd key":"x"}', 'x'],
    ['${request.body.action}', '{"action":"send"}', 'send'],
    ['${request.body.service}/${request.body.action}', '{"service":"chat","action":"join"}', 'chat/join'],
    ['v1-${request.body.action}', '{}', 'v1-'],
  ])('%s on %s selects %j', (expression, body, key) => {
    expect(parse(expression).evaluate(body)).toBe(key);
  });

  it('reports a body that is not JSON as undefined (API Gateway then uses $default)', () => {
    expect(parse('$request.body.action').evaluate('hello')).toBeUndefined();
    expect(parse('$request.body.action').evaluate('')).toBeUndefined();
  });

  it('does not follow inherited properties', () => {
    expect(parse('$request.body.constructor').evaluate('{}')).toBe('');
  });

  it.each([
    'request.body.action',
    '$request.header.action',
    '$request.body',
    '$request.body.',
    '${request.body.a',
    '${context.x}',
  ])('rejects %s', (expression) => {
    expect(typeof parseRouteSelectionExpression(expression)).toBe('string');
  });
});
