/**
 * Route selection expressions: `$request.body.<JSON path>`, or a template of static text and
 * `${request.body.<JSON path>}` pieces such as `${request.body.service}/${request.body.action}`.
 */

type PathStep = string | number;

type TemplatePart = { readonly text: string } | { readonly bodyPath: readonly PathStep[] };

/** A parsed route selection expression. */
export interface RouteSelectionExpression {
  /**
   * The route key a message asks for, or undefined when the message is not JSON (API Gateway then goes straight to
   * `$default`). A missing path evaluates to `""`.
   */
  evaluate(messageBody: string): string | undefined;
}

const BODY_VARIABLE = 'request.body';

/** Parses `expression`; returns a description of the problem instead when API Gateway would reject it. */
export function parseRouteSelectionExpression(expression: string): RouteSelectionExpression | string {
  const parts = expression.includes('${') ? parseTemplate(expression) : parseSingleVariable(expression);
  if (typeof parts === 'string') return parts;
  return { evaluate: (messageBody) => evaluate(parts, messageBody) };
}

function parseSingleVariable(expression: string): TemplatePart[] | string {
  if (!expression.startsWith(`$${BODY_VARIABLE}`)) {
    return `route selection expression ${JSON.stringify(
      expression,
    )} must be $request.body.<path> or use \${request.body.<path>}`;
  }
  const path = parseBodyPath(expression.slice(BODY_VARIABLE.length + 1));
  return typeof path === 'string' ? path : [{ bodyPath: path }];
}

function parseTemplate(expression: string): TemplatePart[] | string {
  const parts: TemplatePart[] = [];
  let rest = expression;
  while (rest !== '') {
    const start = rest.indexOf('${');
    if (start === -1) {
      parts.push({ text: rest });
      break;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start) });
    const end = rest.indexOf('}', start);
    if (end === -1) return `route selection expression ${JSON.stringify(expression)} has an unclosed \${`;
    const variable = rest.slice(start + 2, end);
    if (!variable.startsWith(BODY_VARIABLE)) {
      return `route selection expression ${JSON.stringify(
        expression,
      )}: only \${request.body.<path>} is supported, not \${${variable}}`;
    }
    const path = parseBodyPath(variable.slice(BODY_VARIABLE.length));
    if (typeof path === 'string') return path;
    parts.push({ bodyPath: path });
    rest = rest.slice(end + 1);
  }
  return parts;
}

const NAME_CHARACTER = /[^.[\]]/;

/** Parses `.a.b[0]['c d']` (what follows `request.body`). */
function parseBodyPath(path: string): PathStep[] | string {
  const problem = `JSON path ${JSON.stringify(path)} after request.body is not valid`;
  const steps: PathStep[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      let name = '';
      i += 1;
      while (i < path.length && NAME_CHARACTER.test(path[i] ?? '')) name += path[i++];
      if (name === '') return problem;
      steps.push(name);
    } else if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close === -1) return problem;
      const inside = path.slice(i + 1, close);
      const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inside);
      if (quoted !== null) steps.push(quoted[1] ?? quoted[2] ?? '');
      else if (/^\d+$/.test(inside)) steps.push(Number(inside));
      else return problem;
      i = close + 1;
    } else {
      return problem;
    }
  }
  return steps.length === 0 ? problem : steps;
}

function evaluate(parts: readonly TemplatePart[], messageBody: string): string | undefined {
  let document: unknown;
  try {
    document = JSON.parse(messageBody);
  } catch {
    return undefined;
  }
  return parts.map((part) => ('text' in part ? part.text : stringify(lookUp(document, part.bodyPath)))).join('');
}

function lookUp(document: unknown, path: readonly PathStep[]): unknown {
  let value = document;
  for (const step of path) {
    if (typeof step === 'number') {
      value = Array.isArray(value) ? value[step] : undefined;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, step)) {
      value = (value as Record<string, unknown>)[step];
    } else {
      return undefined;
    }
  }
  return value;
}

/**
 * How API Gateway turns a selected value into a route key: strings as they are, scalars as text, arrays as
 * `[item1, item2]` (documented); objects as JSON (not documented); missing and null as `""`.
 */
function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(stringify).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
