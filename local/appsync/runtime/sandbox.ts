/**
 * The APPSYNC_JS sandbox: one `node:vm` realm per API in which every resolver and function module is evaluated
 * once, and whose `request`/`response` handlers run against a `ctx` built inside that realm.
 *
 * The realm keeps only the ECMAScript built-ins (frozen) plus `util`, `extensions`, `runtime` and a recording
 * `console`; `globalThis` is a frozen snapshot, so nothing written by one module reaches another. Values cross the
 * realm boundary as JSON copies.
 */
import vm from 'node:vm';
import type { Node, Program } from 'acorn';
import { MAX_CODE_LENGTH } from './compile.js';
import { CodeLoadError, CodeTooLargeError } from './errors.js';
import type {
  HandlerName,
  HandlerOutcome,
  HandlerState,
  LoadedCode,
  ResolverRun,
  ResolverRunInput,
  RunEffects,
} from './types.js';
import {
  createGlobals,
  dynamodbModule,
  EarlyReturnSignal,
  UtilErrorSignal,
  type InvocationState,
} from './util/index.js';
import {
  ECMASCRIPT_GLOBALS,
  checkResolverModule,
  mayRunWithoutEnd,
  parseResolverModule,
  patternIdentifiers,
} from './validate.js';

/** Options of {@link AppSyncJsRuntime}. */
export interface AppSyncJsRuntimeOptions {
  /** Time budget of one handler call (and of evaluating a module), in milliseconds. @default 1000 */
  readonly handlerTimeoutMs?: number;
}

/** Functions the realm bootstrap hands back to the host. */
interface RealmHelpers {
  /** Builds the per-run parts of `ctx` (arguments, identity, source, request, info, env, stash). */
  beginRun(inputJson: string): object;
  /** Builds one call's frozen `ctx` around a run's parts. */
  context(run: object, stateJson: string): object;
  /** Calls a handler; answers its return value as JSON text (undefined when there is none). */
  call(handler: unknown, ctx: object): string | undefined;
}

/** The function {@link REALM_BOOTSTRAP} evaluates to. */
type RealmBootstrap = (
  keptGlobals: readonly string[],
  appsyncGlobals: object,
  writeLog: (level: string, args: unknown[]) => void,
) => RealmHelpers;

/** The exported handlers of an evaluated module. */
interface ModuleHandlers {
  readonly request: unknown;
  readonly response: unknown;
  /** Whether its handlers need the time budget (see {@link mayRunWithoutEnd}). */
  readonly mayRunWithoutEnd: boolean;
}

/** Name of the wrapper parameter through which converted `import` declarations reach the runtime modules. */
const IMPORT_FUNCTION = '__appsync_import__';

/**
 * Runs inside the realm once: makes `JSON.parse` lenient, removes non-ECMAScript globals, freezes every intrinsic,
 * installs the APPSYNC_JS globals and replaces `globalThis` (the real global object cannot be frozen) by a frozen
 * snapshot.
 */
const REALM_BOOTSTRAP = `'use strict';
(function bootstrap(keptGlobals, appsyncGlobals, writeLog) {
  const { defineProperty, freeze, getOwnPropertyDescriptor, getPrototypeOf, isFrozen } = Object;
  const { ownKeys } = Reflect;
  const global = globalThis;
  const parseJson = JSON.parse;
  const stringifyJson = JSON.stringify;

  // APPSYNC_JS answers "" for invalid JSON instead of throwing.
  const lenient = {
    parse(text, reviver) {
      try {
        return parseJson(text, reviver);
      } catch (error) {
        if (error instanceof SyntaxError) return '';
        throw error;
      }
    },
  };
  defineProperty(JSON, 'parse', { value: lenient.parse, writable: true, enumerable: false, configurable: true });

  const console = {
    log: (...args) => { writeLog('log', args); },
    error: (...args) => { writeLog('error', args); },
  };

  for (const key of ownKeys(global)) {
    if (!keptGlobals.includes(key)) delete global[key];
  }

  const frozen = new Set();
  const freezeDeep = (root) => {
    const pending = [root];
    while (pending.length > 0) {
      const value = pending.pop();
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || frozen.has(value)) continue;
      frozen.add(value);
      freeze(value);
      pending.push(getPrototypeOf(value));
      for (const key of ownKeys(value)) {
        const descriptor = getOwnPropertyDescriptor(value, key);
        pending.push(descriptor.value, descriptor.get, descriptor.set);
      }
    }
  };
  for (const key of keptGlobals) {
    if (key !== 'globalThis') freezeDeep(global[key]);
  }
  // Intrinsics no global property leads to.
  freezeDeep([
    getPrototypeOf(function* () {}),
    getPrototypeOf((function* () {})()),
    getPrototypeOf(async function () {}),
    getPrototypeOf(async function* () {}),
    getPrototypeOf((async function* () {})()),
    getPrototypeOf([][Symbol.iterator]()),
    getPrototypeOf(''[Symbol.iterator]()),
    getPrototypeOf(new Map()[Symbol.iterator]()),
    getPrototypeOf(new Set()[Symbol.iterator]()),
    getPrototypeOf(/(?:)/[Symbol.matchAll]('')),
    console,
  ]);

  const snapshot = {};
  for (const key of keptGlobals) {
    if (key !== 'globalThis') snapshot[key] = global[key];
  }
  for (const key of ownKeys(appsyncGlobals)) snapshot[key] = appsyncGlobals[key];
  snapshot.console = console;
  snapshot.globalThis = snapshot;
  freeze(snapshot);
  for (const key of ownKeys(snapshot)) {
    defineProperty(global, key, { value: snapshot[key], writable: false, enumerable: false, configurable: false });
  }

  const freezeData = (value) => {
    if (typeof value === 'object' && value !== null && !isFrozen(value)) {
      freeze(value);
      for (const key of ownKeys(value)) freezeData(value[key]);
    }
    return value;
  };

  return freeze({
    beginRun(inputJson) {
      const input = parseJson(inputJson);
      const info = {
        fieldName: input.info.fieldName,
        parentTypeName: input.info.parentTypeName,
        variables: input.info.variables,
      };
      // Present but not enumerable, so JSON.stringify(ctx.info) leaves them out as AppSync does.
      defineProperty(info, 'selectionSetList', { value: input.info.selectionSetList, enumerable: false });
      defineProperty(info, 'selectionSetGraphQL', { value: input.info.selectionSetGraphQL, enumerable: false });
      return freeze({
        arguments: input.arguments,
        identity: input.identity,
        source: input.source,
        request: input.request,
        info,
        env: freezeData(input.env),
        stash: {},
      });
    },
    context(run, stateJson) {
      const state = parseJson(stateJson);
      const ctx = {
        arguments: run.arguments,
        args: run.arguments,
        identity: run.identity,
        source: run.source,
        stash: run.stash,
        prev: state.prev,
        result: state.result,
        request: run.request,
        info: run.info,
        env: run.env,
      };
      if (state.error !== null) ctx.error = state.error;
      return freeze(ctx);
    },
    call(handler, ctx) {
      const value = handler(ctx);
      return value === undefined ? undefined : stringifyJson(value);
    },
  });
})`;

/** Runs the pending thunk inside a `runInContext` call, the only way `vm` applies a time budget. */
const INVOKE_SCRIPT = new vm.Script('invoke()', { filename: 'appsync-js-invoker' });

/**
 * The APPSYNC_JS runtime of one API: loads resolver/function code into a shared sandbox realm and runs handlers.
 *
 * @example
 * ```ts
 * const runtime = new AppSyncJsRuntime();
 * const code = runtime.load('Query.getMessage.js', await compileResolverCode('resolvers/Query.getMessage.ts'));
 * const run = runtime.beginRun(input);
 * const outcome = run.call(code, 'request', { prev: null });
 * if (outcome.kind === 'return') sendToDataSource(outcome.value);
 * ```
 */
export class AppSyncJsRuntime {
  private readonly timeoutMs: number;
  private readonly realm: vm.Context;
  private readonly invoker: vm.Context;
  private readonly helpers: RealmHelpers;
  private readonly runtimeModules: ReadonlyMap<string, object>;
  private readonly modules = new WeakMap<LoadedCode, ModuleHandlers>();
  private readonly moduleNames = new Set<string>();
  private pendingInvocation: (() => unknown) | null = null;
  private invocation: InvocationState | null = null;

  constructor(options: AppSyncJsRuntimeOptions = {}) {
    const timeoutMs = options.handlerTimeoutMs ?? 1000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`handlerTimeoutMs must be a positive integer, got ${timeoutMs}`);
    }
    this.timeoutMs = timeoutMs;

    const globals = createGlobals(() => {
      if (!this.invocation) {
        throw new Error('APPSYNC_JS utilities are only available while a request or response handler runs');
      }
      return this.invocation;
    });
    const utilsModule = Object.freeze(
      Object.assign(Object.create(null) as object, {
        util: globals.util,
        extensions: globals.extensions,
        runtime: globals.runtime,
      }),
    );
    this.runtimeModules = new Map<string, object>([
      ['@aws-appsync/utils', utilsModule],
      ['@aws-appsync/utils/dynamodb', dynamodbModule],
    ]);

    const codeGeneration = { strings: false, wasm: false };
    this.realm = vm.createContext({}, { name: 'APPSYNC_JS', codeGeneration });
    this.invoker = vm.createContext({ invoke: () => this.pendingInvocation?.() }, { codeGeneration });
    const bootstrap = new vm.Script(REALM_BOOTSTRAP, { filename: 'appsync-js-bootstrap' }).runInContext(
      this.realm,
    ) as RealmBootstrap;
    this.helpers = bootstrap(
      ECMASCRIPT_GLOBALS,
      { util: globals.util, extensions: globals.extensions, runtime: globals.runtime },
      (level, args) => this.writeLog(level === 'error' ? 'error' : 'log', args),
    );
  }

  /**
   * Validates an ES module (see {@link validateResolverCode}), then evaluates it once in the API's realm.
   *
   * @param name - Where the code comes from; used in error positions (`name:line:column`).
   * @param esmSource - The module as AppSync receives it.
   * @throws CodeTooLargeError, CodeValidationError, CodeLoadError.
   */
  load(name: string, esmSource: string): LoadedCode {
    if (esmSource.length > MAX_CODE_LENGTH) throw new CodeTooLargeError(name, esmSource.length, MAX_CODE_LENGTH);
    const program = parseResolverModule(esmSource, name);
    checkResolverModule(program, esmSource, name);
    const scriptSource = this.toScript(program, esmSource, name);

    let factory: unknown;
    try {
      factory = new vm.Script(scriptSource, { filename: name, lineOffset: -1 }).runInContext(this.realm);
    } catch (error) {
      throw new CodeLoadError(name, this.describeError(error, name));
    }
    this.moduleNames.add(name);
    const importModule = (specifier: string): object | undefined => this.runtimeModules.get(specifier);
    let exports: { request?: unknown; response?: unknown };
    try {
      exports = this.timed(() => (factory as (load: typeof importModule) => typeof exports)(importModule));
    } catch (error) {
      throw new CodeLoadError(name, this.describeError(error, name));
    }
    const handlers: ModuleHandlers = {
      request: typeof exports.request === 'function' ? exports.request : null,
      response: typeof exports.response === 'function' ? exports.response : null,
      mayRunWithoutEnd: mayRunWithoutEnd(program),
    };
    const loaded: LoadedCode = Object.freeze({
      name,
      source: esmSource,
      hasRequest: handlers.request !== null,
      hasResponse: handlers.response !== null,
    });
    this.modules.set(loaded, handlers);
    return loaded;
  }

  /** Starts one field's resolution: one `ctx` (one `stash`) for every handler call of the run. */
  beginRun(input: ResolverRunInput): ResolverRun {
    const realmRun = this.helpers.beginRun(
      JSON.stringify({
        arguments: input.arguments,
        identity: input.identity ?? null,
        source: input.source ?? null,
        request: input.request,
        info: input.info,
        env: input.env,
      }),
    );
    const effects: RunEffects = {
      appendedErrors: [],
      subscriptionFilter: null,
      invalidationFilter: null,
      invalidations: [],
      cacheEvictions: [],
      logs: [],
    };
    const invocation: InvocationState = {
      fieldName: input.info.fieldName,
      parentTypeName: input.info.parentTypeName,
      authType: input.authType,
      effects,
    };
    return {
      effects,
      call: (code, handler, state) => this.callHandler(realmRun, invocation, code, handler, state),
    };
  }

  private callHandler(
    realmRun: object,
    invocation: InvocationState,
    code: LoadedCode,
    handler: HandlerName,
    state: HandlerState,
  ): HandlerOutcome {
    const handlers = this.modules.get(code);
    if (!handlers) return codeError(`${code.name}: this code was not loaded by this runtime`);
    const target = handlers[handler];
    if (target === null) return codeError(`${code.name}: the code does not export a ${handler} function`);

    this.invocation = invocation;
    try {
      const ctx = this.helpers.context(
        realmRun,
        JSON.stringify({ prev: state.prev ?? null, result: state.result ?? null, error: state.error ?? null }),
      );
      const call = () => this.helpers.call(target, ctx);
      const json = handlers.mayRunWithoutEnd ? this.timed(call) : call();
      return { kind: 'return', value: json === undefined ? null : (JSON.parse(json) as unknown) };
    } catch (error) {
      return this.outcomeOf(error, code.name);
    } finally {
      this.invocation = null;
    }
  }

  private outcomeOf(error: unknown, name: string): HandlerOutcome {
    // The util library hands plain JSON copies to its signals.
    if (error instanceof EarlyReturnSignal) return { kind: 'earlyReturn', value: error.value, skipTo: error.skipTo };
    if (error instanceof UtilErrorSignal) return { kind: 'error', error: error.record };
    return codeError(this.describeError(error, name));
  }

  /** Runs `thunk` (which enters the realm) under the time budget. */
  private timed<T>(thunk: () => T): T {
    this.pendingInvocation = thunk;
    try {
      return INVOKE_SCRIPT.runInContext(this.invoker, { timeout: this.timeoutMs }) as T;
    } finally {
      this.pendingInvocation = null;
    }
  }

  private writeLog(level: 'log' | 'error', args: unknown[]): void {
    // Top-level code logging at load time has no run to record into.
    this.invocation?.effects.logs.push({ level, message: Array.from(args, formatLogValue).join(' ') });
  }

  /** `name:line:column: message`, the position being the innermost frame in loaded code. */
  private describeError(error: unknown, name: string): string {
    if ((error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return `${name}: execution timed out after ${this.timeoutMs} ms`;
    }
    const message = readString(error, 'message') ?? String(error);
    const stack = readString(error, 'stack') ?? '';
    for (const line of stack.split('\n')) {
      const frame = /^\s*at (?:.*? \()?(.+):(\d+):(\d+)\)?$/.exec(line);
      if (frame?.[1] !== undefined && this.moduleNames.has(frame[1])) {
        return `${frame[1]}:${frame[2]}:${frame[3]}: ${message}`;
      }
    }
    return `${name}: ${message}`;
  }

  /**
   * Converts the ES module into a function expression taking the runtime-module loader. `import`/`export` syntax is
   * blanked out in place, so every line and column stays where it was and V8 positions are positions in `source`.
   */
  private toScript(program: Program, source: string, name: string): string {
    const edits: { start: number; end: number; text: string }[] = [];
    const exported = new Map<string, string>();
    // Import bindings go on the wrapper's first line: hoisted as in ESM (esbuild may emit imports mid-file).
    const imports: string[] = [];
    const blank = (node: Node, end = node.end) =>
      edits.push({ start: node.start, end, text: blankOut(source.slice(node.start, end)) });

    for (const statement of program.body) {
      switch (statement.type) {
        case 'ImportDeclaration': {
          const specifier = String(statement.source.value);
          const namespace = this.runtimeModules.get(specifier) ?? {};
          const load = `${IMPORT_FUNCTION}(${JSON.stringify(specifier)})`;
          const bindings: string[] = [];
          for (const item of statement.specifiers) {
            if (item.type === 'ImportNamespaceSpecifier') {
              imports.push(`const ${item.local.name} = ${load};`);
              continue;
            }
            const imported =
              item.type === 'ImportDefaultSpecifier'
                ? 'default'
                : item.imported.type === 'Identifier'
                  ? item.imported.name
                  : String(item.imported.value);
            if (!Object.hasOwn(namespace, imported)) {
              throw new CodeLoadError(
                name,
                `${name}:${position(item)}: module '${specifier}' has no export named '${imported}'`,
              );
            }
            bindings.push(`${JSON.stringify(imported)}: ${item.local.name}`);
          }
          if (bindings.length > 0) imports.push(`const { ${bindings.join(', ')} } = ${load};`);
          blank(statement);
          break;
        }
        case 'ExportNamedDeclaration': {
          if (statement.source) {
            throw new CodeLoadError(name, `${name}:${position(statement)}: 'export … from' is not supported`);
          }
          const declaration = statement.declaration;
          if (!declaration) {
            for (const item of statement.specifiers) {
              const exportedName =
                item.exported.type === 'Identifier' ? item.exported.name : String(item.exported.value);
              if (item.local.type === 'Identifier') exported.set(exportedName, item.local.name);
            }
            blank(statement);
            break;
          }
          blank(statement, declaration.start);
          const names =
            declaration.type === 'VariableDeclaration'
              ? declaration.declarations.flatMap((declarator) => patternIdentifiers(declarator.id))
              : [declaration.id];
          for (const id of names) exported.set(id.name, id.name);
          break;
        }
        case 'ExportDefaultDeclaration': {
          // Only `request`/`response` matter to AppSync; the default export is evaluated and dropped.
          const declaration = statement.declaration;
          const named =
            (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id;
          const prefix = blankOut(source.slice(statement.start, declaration.start));
          // `export default <expression>` → `void           <expression>`, same length.
          const text = named ? prefix : `void${prefix.slice(4)}`;
          edits.push({ start: statement.start, end: declaration.start, text });
          break;
        }
        default:
          break;
      }
    }

    let body = source;
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
      body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
    }
    const handlerExports = [...exported]
      .filter(([exportedName]) => exportedName === 'request' || exportedName === 'response')
      .map(([exportedName, local]) => `${exportedName}: ${local}`);
    return (
      `(function (${IMPORT_FUNCTION}) {'use strict'; ${imports.join(' ')}\n` +
      `${body}\n;return { ${handlerExports.join(', ')} };\n})`
    );
  }
}

function codeError(message: string): HandlerOutcome {
  return { kind: 'error', error: { message, errorType: 'Code', data: null, errorInfo: null } };
}

function formatLogValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === 'string' ? property : undefined;
}

/** The text with every character but line terminators replaced by a space. */
function blankOut(text: string): string {
  return text.replace(/[^\n\r\u2028\u2029]/g, ' ');
}

function position(node: Node): string {
  const start = node.loc?.start;
  return start ? `${start.line}:${start.column + 1}` : '1:1';
}
