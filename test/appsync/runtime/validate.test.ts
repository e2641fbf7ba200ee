import { describe, expect, it } from 'vitest';
import { CodeValidationError } from '../../../local/appsync/runtime/errors.js';
import { mayRunWithoutEnd, parseResolverModule, validateResolverCode } from '../../../local/appsync/runtime/validate.js';

/** Validates `code` placed on line 3 and returns the error it must raise. */
function refusal(code: string): CodeValidationError {
  try {
    validateResolverCode(`// line 1\n// line 2\n${code}\n`, 'Case.js');
  } catch (error) {
    expect(error).toBeInstanceOf(CodeValidationError);
    return error as CodeValidationError;
  }
  throw new Error(`accepted: ${code}`);
}

// [rule, code on line 3]
const refused: [string, string][] = [
  ['no-async', 'export async function request(ctx) { return {}; }'],
  ['no-await', 'await null;'],
  ['no-await', 'for await (const x of []) { console.log(x); }'],
  ['no-promise', 'export function request(ctx) { return Promise.resolve(1); }'],
  ['no-promise', 'const p = new Promise((resolve) => resolve(1));'],
  ['no-classes', 'class Thing {}'],
  ['no-classes', 'const Thing = class {};'],
  ['no-for', 'for (let i = 0; i < 2; i += 1) { console.log(i); }'],
  ['no-continue', 'for (const x of [1]) { if (x) { continue; } }'],
  ['no-generators', 'function* numbers() {}'],
  ['no-yield', 'function* numbers() { yield 1; }'],
  ['no-labels', 'outer: for (const x of [1]) { break outer; }'],
  ['no-regex', 'const pattern = /a+/;'],
  ['no-this', 'function f() { return this; }'],
  ['no-try', "try { JSON.parse('x'); } catch (e) { console.log(e); }"],
  ['no-try', 'try { console.log(1); } finally { console.log(2); }'],
  ['no-throw', 'export function request(ctx) { throw ctx.args; }'],
  ['no-while', 'while (Date.now() < 0) { console.log(1); }'],
  ['no-while', 'do { console.log(1); } while (Date.now() < 0);'],
  ['no-disallowed-unary-operators', 'let n = 0; n++;'],
  ['no-disallowed-unary-operators', 'let n = 0; --n;'],
  ['no-disallowed-unary-operators', 'const n = ~5;'],
  ['no-in-operator', "const has = 'a' in {};"],
  ['no-disallowed-binary-operators', 'const is = [] instanceof Array;'],
  ['no-recursion', 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }'],
  ['no-recursion', 'const down = (n) => (n > 0 ? down(n - 1) : 0);'],
  ['no-recursion', 'function all(xs) { return xs.map((x) => all(x)); }'],
  ['no-function-passing', 'function twice(x) { return x; } twice(() => 1);'],
  ['no-function-passing', '[2, 1].sort((a, b) => a - b);'],
  ['no-function-passing', 'function cmp(a, b) { return a - b; } [2, 1].sort(cmp);'],
  ['no-function-passing', 'JSON.stringify({}, function (k, v) { return v; });'],
  ['no-function-reassign', 'function f() { return 1; } const g = f;'],
  ['no-function-reassign', 'function f() { return 1; } let g = null; g = f;'],
  ['no-function-reassign', 'let f = () => 1; f = () => 2;'],
  ['no-function-return', 'function make() { return () => 1; }'],
  ['no-function-return', 'const make = () => () => 1;'],
  ['no-function-return', 'function f() { return 1; } function g() { return f; }'],
  ['no-disallowed-re-assignment', 'export function request(ctx) { ctx = {}; return {}; }'],
  ['no-disallowed-re-assignment', 'export function request(ctx) { ctx.stash = {}; return {}; }'],
  ['no-disallowed-re-assignment', 'export function response(ctx) { ctx.custom = 1; return ctx.result; }'],
  ['no-disallowed-re-assignment', 'export function request(ctx) { delete ctx.args; return {}; }'],
  ['no-disallowed-re-assignment', "export function request(ctx) { ctx['result'] = 1; return {}; }"],
  ['no-disallowed-re-assignment', 'export function request(ctx) { [ctx.prev] = [1]; return {}; }'],
  ['no-disallowed-re-assignment', 'export const request = (ctx) => { ctx.args = {}; return {}; };'],
  ['no-disallowed-re-assignment', 'function request2(context) { context.stash = {}; } export { request2 as request };'],
  ['no-function-prototype-methods', 'Math.max.apply(null, [1, 2]);'],
  ['no-function-prototype-methods', 'const f = Math.max.bind(null);'],
  ['no-function-prototype-methods', 'Math.max.call(null, 1, 2);'],
  ['no-new', 'const d = new Date();'],
  ['no-new', 'const m = new Map();'],
  ['no-disallowed-import', "import lodash from 'lodash';"],
  ['no-disallowed-import', "import { helper } from './helper.js';"],
  ['no-disallowed-import', "import { sql } from '@aws-appsync/utils/rds';"],
  ['no-disallowed-import', "export { get } from 'somewhere';"],
  ['no-disallowed-import', "const lib = import('@aws-appsync/utils');"],
  ['no-disallowed-import', 'const url = import.meta.url;'],
  ['no-disallowed-methods', "const s = 'a'.padStart(3, '0');"],
  ['no-disallowed-methods', 'const o = Object.freeze({});'],
  ['no-disallowed-methods', "const c = 'a'.localeCompare('b');"],
  ['no-disallowed-methods', 'const a = Array.from([1]);'],
  ['no-disallowed-methods', 'const k = [1].keys();'],
  ['no-disallowed-methods', 'const s = String.fromCharCode(65);'],
  ['no-disallowed-methods', "const n = 'ab'.charCodeAt(0);"],
  ['no-disallowed-methods', "const s = 'x'.repeat(2);"],
  ['no-disallowed-methods', 'const p = Object.getPrototypeOf({});'],
  ['no-undeclared', 'export function request(ctx) { return { nextToken: nextToken }; }'],
  ['no-undeclared', "const fs = require('node:fs');"],
  ['no-undeclared', 'const home = process.env.HOME;'],
  ['no-undeclared', 'setTimeout(() => 1, 10);'],
  ['no-undeclared', "const b = Buffer.from('x');"],
  ['no-eval', "const v = eval('1');"],
  ['no-eval', "const f = Function('return 1');"],
  ['no-global-assign', 'JSON = {};'],
  ['syntax', 'export function request(ctx) { return {; }'],
];

describe('validateResolverCode refuses what APPSYNC_JS forbids', () => {
  it.each(refused)('%s: %s', (rule, code) => {
    const error = refusal(code);
    expect(error.violations).toContainEqual(expect.objectContaining({ rule, line: 3 }));
    expect(error.message).toMatch(new RegExp(`^Case\\.js:3:\\d+: .* \\[${rule}\\]$`, 'm'));
  });

  it('names the rule, line and column of the first violation', () => {
    const error = refusal('  while (Date.now() < 0) { console.log(1); }');
    expect(error.rule).toBe('no-while');
    expect(error.violations[0]).toEqual({
      rule: 'no-while',
      message: 'While statements are not supported.',
      line: 3,
      column: 3,
    });
    expect(error.message).toBe('Case.js:3:3: While statements are not supported. [no-while]');
  });

  it('reports mutual recursion with the cycle', () => {
    const error = refusal('function isEven(n) { return n === 0 ? true : isOdd(n - 1); }\nfunction isOdd(n) { return n === 0 ? false : isEven(n - 1); }');
    const recursion = error.violations.filter((violation) => violation.rule === 'no-recursion');
    expect(recursion.map((violation) => violation.line)).toEqual([3, 4]);
    expect(recursion[0]?.message).toBe('Recursive function calls not supported. Detected cycle in isEven <-isOdd <-isEven');
  });

  it('lists every violation in source order', () => {
    const error = refusal('let i = 0;\ni++;\nconst r = /x/;');
    expect(error.violations.map((violation) => [violation.rule, violation.line])).toEqual([
      ['no-disallowed-unary-operators', 4],
      ['no-regex', 5],
    ]);
  });

  it('does not call new Promise a constructor problem as well', () => {
    const error = refusal('const p = new Promise((resolve) => resolve(1));');
    expect(error.violations.map((violation) => violation.rule)).toEqual(['no-promise']);
  });
});

describe('validateResolverCode accepts what APPSYNC_JS allows', () => {
  const accepted: [string, string][] = [
    ['for-in and for-of', 'const o = { a: 1 }; for (const k in o) { console.log(k); } for (const v of [1]) { console.log(v); }'],
    ['switch and break', "switch (Date.now() > 0 ? 'a' : 'b') { case 'a': break; default: console.log(1); }"],
    ['templates, spread, optional chaining, nullish', 'const a = { x: 1 }; const b = { ...a, y: a?.x ?? 2, s: `v${a.x}` };'],
    ['typeof, void, delete, bitwise', 'const o = { a: 1 }; delete o.a; const t = typeof o; const v = void 0; const n = 5 & 3 | 1 ^ 2 << 1;'],
    ['callbacks to Array methods', 'const r = [1, 2].map((x) => x * 2).filter((x) => x > 2).reduce((s, x) => s + x, 0);'],
    ['named callbacks to Array methods', 'function double(x) { return x * 2; } const r = [1].map(double).some(double);'],
    ['nested writes to ctx', 'export function request(ctx) { ctx.stash.x = 1; ctx.args.id = 2; delete ctx.stash.y; Object.assign(ctx.stash, { z: 3 }); return {}; }'],
    ['reading ctx', 'export function response(ctx) { const { result, stash: { a = 1 } = {} } = ctx; return result ?? a; }'],
    ['writes to other objects', 'export function request(ctx) { const out = {}; out.stash = ctx.stash; return out; }'],
    ['globals util, extensions, runtime, console', 'export function request(ctx) { console.log(util.autoId()); extensions.setSubscriptionFilter({}); return runtime.earlyReturn(); }'],
    ['Object helpers', 'const o = { a: 1 }; const r = [Object.keys(o), Object.values(o), Object.entries(o), Object.hasOwn(o, "a")];'],
    ['number toString', 'const n = 5; const s = n.toString();'],
    ['shadowing a function name', 'function get() { return 1; } const r = [{ get: 1 }].map((get) => get);'],
    ['rest parameters and defaults', 'function f(a = 1, ...rest) { return rest.length + a; } const r = f(1, 2);'],
    ['calling helpers', 'function helper(x) { return x + 1; } function other(y) { return helper(y) * 2; } const r = other(1);'],
    ['the runtime modules', "import { util } from '@aws-appsync/utils'; import * as ddb from '@aws-appsync/utils/dynamodb'; export const request = () => ddb.get({ key: { id: util.autoId() } });"],
    ['String.raw', 'const s = String.raw`a\\nb`;'],
    ['Date.now', 'const t = Date.now();'],
  ];

  it.each(accepted)('%s', (_title, code) => {
    expect(() => validateResolverCode(code, 'Ok.js')).not.toThrow();
  });

  it('accepts what esbuild emits for a typical TypeScript resolver', () => {
    // Output of compileResolverCode for a resolver with a local helper module (see compile.test.ts).
    const bundled = [
      '// resolver.ts',
      'import { util } from "@aws-appsync/utils";',
      'import * as ddb from "@aws-appsync/utils/dynamodb";',
      '',
      '// helper.ts',
      'var messageKey = (roomId, id) => ({ pk: `ROOM#${roomId}`, sk: `MSG#${id}` });',
      '',
      '// resolver.ts',
      'function request(ctx) {',
      '  const { roomId, id, ...rest } = ctx.args;',
      '  ctx.stash.started = util.time.nowEpochMilliSeconds();',
      '  return ddb.get({ key: messageKey(roomId, id), consistentRead: rest.strong === true });',
      '}',
      'var response = (ctx) => {',
      '  if (ctx.error) {',
      '    util.error(ctx.error.message, ctx.error.type);',
      '  }',
      '  return ctx.result?.items?.map((item) => ({ ...item, text: item.text ?? "" })) ?? null;',
      '};',
      'export {',
      '  request,',
      '  response',
      '};',
      '//# sourceMappingURL=data:application/json;base64,e30=',
    ].join('\n');
    expect(() => validateResolverCode(bundled, 'Bundled.js')).not.toThrow();
  });
});

describe('mayRunWithoutEnd', () => {
  const classify = (body: string) => mayRunWithoutEnd(parseResolverModule(`export function request(ctx) { ${body} }`, 'a.js'));

  it('finds code that always terminates: array callbacks, for…in, conditionals', () => {
    expect(classify('return ctx.args.ids.map((id) => ({ id })).filter((x) => x.id);')).toBe(false);
    expect(classify('const out = {}; for (const k in ctx.args) { out[k] = 1; } return out;')).toBe(false);
    expect(classify('if (ctx.args.a) { return 1; } return [1, 2].reduce((a, b) => a + b, 0);')).toBe(false);
  });

  it('flags for…of and any use of Symbol, the constructs that can run without end', () => {
    expect(classify('for (const id of ctx.args.ids) { ctx.stash.last = id; } return 1;')).toBe(true);
    expect(classify('const it = { [Symbol.iterator]: () => ({ next: () => ({ done: true }) }) }; return [...it];')).toBe(true);
  });
});
