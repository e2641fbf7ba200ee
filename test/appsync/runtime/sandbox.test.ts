import { describe, expect, it } from 'vitest';
import {
  AppSyncJsRuntime,
  CodeLoadError,
  CodeTooLargeError,
  CodeValidationError,
} from '../../../local/appsync/runtime/index.js';
import type { ResolverRunInput } from '../../../local/appsync/runtime/types.js';
import { APPSYNC_GLOBALS, ECMASCRIPT_GLOBALS } from '../../../local/appsync/runtime/validate.js';

const runtime = new AppSyncJsRuntime();

function runInput(overrides: Partial<ResolverRunInput> = {}): ResolverRunInput {
  return {
    arguments: { id: 'm1', filter: { room: 'r1' } },
    identity: { sub: 'user-1', username: 'alice', claims: { 'cognito:username': 'alice' } },
    authType: 'User Pool Authorization',
    source: null,
    request: { headers: { 'x-test': '1' }, domainName: null },
    info: {
      fieldName: 'getMessage',
      parentTypeName: 'Query',
      variables: { id: 'm1' },
      selectionSetList: ['id', 'text', 'author', 'author/name'],
      selectionSetGraphQL: '{\n  id\n  text\n}',
    },
    env: { STAGE: 'test' },
    ...overrides,
  };
}

let moduleCount = 0;
/** Loads a module under a unique name. */
function load(source: string, name = `Module${++moduleCount}.js`) {
  return runtime.load(name, source);
}

describe('AppSyncJsRuntime: ctx', () => {
  it('builds ctx from the run input and the call state', () => {
    const code = load(`
      export function request(ctx) {
        return {
          args: ctx.args,
          sameArguments: ctx.args === ctx.arguments,
          identity: ctx.identity,
          source: ctx.source,
          request: ctx.request,
          info: ctx.info,
          selectionSetList: ctx.info.selectionSetList,
          selectionSetGraphQL: ctx.info.selectionSetGraphQL,
          infoKeys: Object.keys(ctx.info),
          env: ctx.env,
          stash: ctx.stash,
          prev: ctx.prev,
          result: ctx.result,
          hasError: Object.hasOwn(ctx, 'error'),
        };
      }`);
    const input = runInput();
    const outcome = runtime.beginRun(input).call(code, 'request', {});
    expect(outcome).toEqual({
      kind: 'return',
      value: {
        args: input.arguments,
        sameArguments: true,
        identity: input.identity,
        source: null,
        request: input.request,
        info: { fieldName: 'getMessage', parentTypeName: 'Query', variables: { id: 'm1' } },
        selectionSetList: ['id', 'text', 'author', 'author/name'],
        selectionSetGraphQL: '{\n  id\n  text\n}',
        infoKeys: ['fieldName', 'parentTypeName', 'variables'],
        env: { STAGE: 'test' },
        stash: {},
        prev: null,
        result: null,
        hasError: false,
      },
    });
  });

  it('passes prev, result and error to the handler', () => {
    const code = load('export function response(ctx) { return { prev: ctx.prev, result: ctx.result, error: ctx.error }; }');
    const state = {
      prev: { result: { step: 1 } },
      result: { items: [{ id: 'a' }] },
      error: { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' },
    };
    expect(runtime.beginRun(runInput()).call(code, 'response', state)).toEqual({ kind: 'return', value: state });
  });

  it('keeps one stash for the whole run, across calls and modules, and a fresh one per run', () => {
    const counter = load('export function request(ctx) { ctx.stash.count = (ctx.stash.count ?? 0) + 1; return ctx.stash.count; }');
    const reader = load('export function response(ctx) { const seen = { ...ctx.stash }; delete ctx.stash.count; return { seen, after: ctx.stash }; }');
    const run = runtime.beginRun(runInput());
    expect(run.call(counter, 'request', {})).toEqual({ kind: 'return', value: 1 });
    expect(run.call(counter, 'request', {})).toEqual({ kind: 'return', value: 2 });
    expect(run.call(reader, 'response', {})).toEqual({ kind: 'return', value: { seen: { count: 2 }, after: {} } });
    expect(runtime.beginRun(runInput()).call(counter, 'request', {})).toEqual({ kind: 'return', value: 1 });
  });

  it('copies values in and out as JSON', () => {
    const code = load(`
      export function request(ctx) {
        ctx.args.filter.room = 'changed';
        return { room: ctx.args.filter.room, dropped: () => 1, missing: undefined };
      }
      export function response(ctx) { return undefined; }`);
    const input = runInput();
    const run = runtime.beginRun(input);
    expect(run.call(code, 'request', {})).toEqual({ kind: 'return', value: { room: 'changed' } });
    expect(input.arguments).toEqual({ id: 'm1', filter: { room: 'r1' } });
    expect(run.call(code, 'response', {})).toEqual({ kind: 'return', value: null });
  });

  it('makes ctx and ctx.env read-only at run time too', () => {
    const aliasWrite = load('export function request(ctx) { const context = ctx; context.stash = {}; return 1; }');
    const envWrite = load("export function request(ctx) { ctx.env.STAGE = 'prod'; return 1; }");
    const run = runtime.beginRun(runInput());
    for (const code of [aliasWrite, envWrite]) {
      const outcome = run.call(code, 'request', {});
      expect(outcome.kind).toBe('error');
      expect(outcome.kind === 'error' && outcome.error.message).toMatch(/Cannot assign to read only property/);
    }
  });
});

describe('AppSyncJsRuntime: outcomes', () => {
  it('turns runtime.earlyReturn into an earlyReturn outcome', () => {
    const code = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) {
        runtime.earlyReturn({ cached: ctx.args.id }, { skipTo: 'NEXT' });
        return { unreachable: true };
      }`);
    expect(runtime.beginRun(runInput()).call(code, 'request', {})).toEqual({
      kind: 'earlyReturn',
      value: { cached: 'm1' },
      skipTo: 'NEXT',
    });
  });

  it('turns util.error into an error outcome and records util.appendError', () => {
    const code = load(`
      export function request(ctx) {
        util.appendError('careful', 'Warning');
        return { ok: true };
      }
      export function response(ctx) {
        util.error('Message not found', 'NotFound', { id: ctx.args.id }, { hint: 1 });
      }`);
    const run = runtime.beginRun(runInput());
    expect(run.call(code, 'request', {})).toEqual({ kind: 'return', value: { ok: true } });
    expect(run.effects.appendedErrors).toEqual([{ message: 'careful', errorType: 'Warning', data: null, errorInfo: null }]);
    expect(run.call(code, 'response', {})).toEqual({
      kind: 'error',
      error: { message: 'Message not found', errorType: 'NotFound', data: { id: 'm1' }, errorInfo: { hint: 1 } },
    });
  });

  it('gives util the field and auth mode of the call in progress', () => {
    const code = load(`
      export function request(ctx) { return util.authType(); }
      export function response(ctx) { util.unauthorized(); }`);
    const run = runtime.beginRun(runInput());
    expect(run.call(code, 'request', {})).toEqual({ kind: 'return', value: 'User Pool Authorization' });
    expect(run.call(code, 'response', {})).toEqual({
      kind: 'error',
      error: {
        message: 'Not Authorized to access getMessage on type Query',
        errorType: 'Unauthorized',
        data: null,
        errorInfo: null,
      },
    });
  });

  it('reports a runtime TypeError as a Code error with its position', () => {
    const code = load(
      [
        "import { util } from '@aws-appsync/utils';",
        'export function request(ctx) {',
        '  const item = ctx.args.missing;',
        '  return item.deep;',
        '}',
      ].join('\n'),
      'Query.broken.js',
    );
    expect(runtime.beginRun(runInput()).call(code, 'request', {})).toEqual({
      kind: 'error',
      error: {
        message: "Query.broken.js:4:15: Cannot read properties of undefined (reading 'deep')",
        errorType: 'Code',
        data: null,
        errorInfo: null,
      },
    });
  });

  it('reports a missing handler as a Code error', () => {
    const code = load('export function request(ctx) { return {}; }', 'OnlyRequest.js');
    expect(code).toMatchObject({ name: 'OnlyRequest.js', hasRequest: true, hasResponse: false });
    expect(runtime.beginRun(runInput()).call(code, 'response', {})).toEqual({
      kind: 'error',
      error: {
        message: 'OnlyRequest.js: the code does not export a response function',
        errorType: 'Code',
        data: null,
        errorInfo: null,
      },
    });
  });

  it('records console.log and console.error into the run effects', () => {
    const code = load("export function request(ctx) { console.log('id', ctx.args.id, { n: 1 }); console.error('bad'); return null; }");
    const run = runtime.beginRun(runInput());
    run.call(code, 'request', {});
    expect(run.effects.logs).toEqual([
      { level: 'log', message: 'id m1 {"n":1}' },
      { level: 'error', message: 'bad' },
    ]);
  });
});

describe('AppSyncJsRuntime: the realm', () => {
  it('JSON.parse returns "" for invalid JSON', () => {
    const code = load(`export function request(ctx) { return { bad: JSON.parse('{oops'), good: JSON.parse('{"a":1}') }; }`);
    expect(runtime.beginRun(runInput()).call(code, 'request', {})).toEqual({
      kind: 'return',
      value: { bad: '', good: { a: 1 } },
    });
  });

  it('has only the ECMAScript built-ins and the APPSYNC_JS globals', () => {
    const code = load(`
      export function request(ctx) {
        const g = globalThis;
        return {
          names: Reflect.ownKeys(g).sort(),
          require: typeof g.require,
          process: typeof g.process,
          setTimeout: typeof g.setTimeout,
          Buffer: typeof g.Buffer,
          TextEncoder: typeof g.TextEncoder,
          WebAssembly: typeof g.WebAssembly,
          Intl: typeof g.Intl,
          util: typeof util,
        };
      }`);
    expect(runtime.beginRun(runInput()).call(code, 'request', {})).toEqual({
      kind: 'return',
      value: {
        names: [...ECMASCRIPT_GLOBALS, ...APPSYNC_GLOBALS].sort(),
        require: 'undefined',
        process: 'undefined',
        setTimeout: 'undefined',
        Buffer: 'undefined',
        TextEncoder: 'undefined',
        WebAssembly: 'undefined',
        Intl: 'undefined',
        util: 'object',
      },
    });
  });

  it('freezes the built-ins, the globals and the runtime library', () => {
    const writes = [
      'Array.prototype.map = null;',
      'globalThis.leak = 1;',
      "JSON.parse = JSON.stringify;",
      'Object.prototype.polluted = 1;',
      'util.autoId = Date.now;',
      'util.time.nowISO8601 = Date.now;',
    ];
    const run = runtime.beginRun(runInput());
    for (const write of writes) {
      const outcome = run.call(load(`export function request(ctx) { ${write} return 'written'; }`), 'request', {});
      expect(outcome.kind, write).toBe('error');
      expect(outcome.kind === 'error' && outcome.error.message, write).toMatch(/read only|not extensible/);
    }
    const check = load(`export function request(ctx) {
      return { mapped: [1, 2].map((x) => x * 2), leak: typeof globalThis.leak, polluted: typeof {}.polluted, parse: JSON.parse('x') };
    }`);
    expect(run.call(check, 'request', {})).toEqual({
      kind: 'return',
      value: { mapped: [2, 4], leak: 'undefined', polluted: 'undefined', parse: '' },
    });
  });

  it('stops a runaway loop at the time budget and stays usable', () => {
    const fast = new AppSyncJsRuntime({ handlerTimeoutMs: 100 });
    const loop = fast.load(
      'Loop.js',
      `const endless = { [Symbol.iterator]: () => ({ next: () => ({ done: false, value: 0 }) }) };
       export function request(ctx) { for (const x of endless) { ctx.stash.x = x; } return 1; }
       export function response(ctx) { return 'still alive'; }`,
    );
    const run = fast.beginRun(runInput());
    const started = Date.now();
    expect(run.call(loop, 'request', {})).toEqual({
      kind: 'error',
      error: { message: 'Loop.js: execution timed out after 100 ms', errorType: 'Code', data: null, errorInfo: null },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(run.call(loop, 'response', {})).toEqual({ kind: 'return', value: 'still alive' });
  });
});

describe('the time budget', () => {
  it('also stops for…of over an array that grows while it is iterated, the one runaway without Symbol', () => {
    const fast = new AppSyncJsRuntime({ handlerTimeoutMs: 100 });
    const growing = fast.load(
      'Growing.js',
      `export function request(ctx) { const ids = [1]; for (const id of ids) { ids.push(id); } return ids.length; }
       export function response(ctx) { return ctx.result; }`,
    );
    expect(fast.beginRun(runInput()).call(growing, 'request', {})).toEqual({
      kind: 'error',
      error: { message: 'Growing.js: execution timed out after 100 ms', errorType: 'Code', data: null, errorInfo: null },
    });
  });
});

describe('AppSyncJsRuntime.load', () => {
  it('refuses code breaking the language rules', () => {
    expect(() => load('export function request(ctx) {\n  for (;;) {}\n}', 'Bad.js')).toThrow(CodeValidationError);
    expect(() => load('export function request(ctx) {\n  for (;;) {}\n}', 'Bad.js')).toThrow('Bad.js:2:3: For statements are not supported. [no-for]');
  });

  it('refuses imports the runtime modules do not export', () => {
    expect(() => load("import { nope } from '@aws-appsync/utils';\nexport function request(ctx) { return nope; }", 'Import.js')).toThrow(
      new CodeLoadError('Import.js', "Import.js:1:10: module '@aws-appsync/utils' has no export named 'nope'"),
    );
  });

  it('reports exceptions of top-level code with their position', () => {
    expect(() => load('const config = {};\nconst stage = config.env.STAGE;\nexport function request(ctx) { return stage; }', 'TopLevel.js')).toThrow(
      /^TopLevel\.js:2:26: Cannot read properties of undefined \(reading 'STAGE'\)$/,
    );
    expect(() => load('const mode = util.authType();\nexport function request(ctx) { return mode; }', 'TopUtil.js')).toThrow(
      /^TopUtil\.js:1:19: APPSYNC_JS utilities are only available while a request or response handler runs$/,
    );
  });

  it('refuses code longer than AppSync accepts', () => {
    const source = `export function request(ctx) { return '${'x'.repeat(32_768)}'; }`;
    expect(() => load(source)).toThrow(CodeTooLargeError);
  });

  it('resolves the runtime modules to the util library', () => {
    const code = load(`
      import { util as u, extensions, runtime as r } from '@aws-appsync/utils';
      import * as ddb from '@aws-appsync/utils/dynamodb';
      import { get } from '@aws-appsync/utils/dynamodb';
      export function request(ctx) {
        return { same: u === util && extensions === globalThis.extensions && r === runtime && get === ddb.get, request: get({ key: { id: ctx.args.id } }) };
      }`);
    expect(runtime.beginRun(runInput()).call(code, 'request', {})).toEqual({
      kind: 'return',
      value: { same: true, request: { operation: 'GetItem', key: { id: { S: 'm1' } } } },
    });
  });

  it('hoists imports as ES modules do (esbuild emits them mid-file) and keeps positions after them', () => {
    const code = load(
      [
        'const getType = typeof ddb.get;',
        "import * as ddb from '@aws-appsync/utils/dynamodb';",
        'export function request(ctx) { return getType; }',
        "import { util as u } from '@aws-appsync/utils';",
        'export function response(ctx) { return u.missing.call; }',
      ].join('\n'),
      'Hoisted.js',
    );
    const run = runtime.beginRun(runInput());
    expect(run.call(code, 'request', {})).toEqual({ kind: 'return', value: 'function' });
    const outcome = run.call(code, 'response', {});
    expect(outcome.kind === 'error' && outcome.error.message).toBe(
      "Hoisted.js:5:50: Cannot read properties of undefined (reading 'call')",
    );
  });

  it('finds handlers exported under another local name, with `export const` or `export default` around', () => {
    const code = load(`
      function request2(ctx) { return 'renamed'; }
      export const response = (ctx) => 'arrow';
      export default { ignored: true };
      export { request2 as request };`);
    const run = runtime.beginRun(runInput());
    expect(run.call(code, 'request', {})).toEqual({ kind: 'return', value: 'renamed' });
    expect(run.call(code, 'response', {})).toEqual({ kind: 'return', value: 'arrow' });
  });

  it('keeps the module state of one module away from the others', () => {
    const first = load('const shared = { n: 0 };\nexport function request(ctx) { shared.n += 1; return shared.n; }');
    const second = load('export function request(ctx) { return typeof globalThis.shared; }');
    const run = runtime.beginRun(runInput());
    expect(run.call(first, 'request', {})).toEqual({ kind: 'return', value: 1 });
    expect(run.call(second, 'request', {})).toEqual({ kind: 'return', value: 'undefined' });
  });
});
