/**
 * Load-time validation of APPSYNC_JS code: the language rules AppSync enforces when a resolver or function is
 * saved (DG/supported-features.html, `@aws-appsync/eslint-plugin` rules), checked on the ES module AppSync receives.
 *
 * The eslint plugin uses TypeScript type information; this validator works on the syntax tree with scope
 * resolution, so "is this a function?" means "is this a function literal or a name bound to one", and deny-listed
 * methods are recognised by their (unambiguous) names.
 */
import {
  parse,
  type AnyNode,
  type ArrowFunctionExpression,
  type CallExpression,
  type FunctionDeclaration,
  type FunctionExpression,
  type Identifier,
  type MemberExpression,
  type Pattern,
  type Program,
  type AnonymousFunctionDeclaration,
} from 'acorn';
import { full } from 'acorn-walk';
import { RUNTIME_MODULES } from './compile.js';
import { CodeValidationError, type CodeViolation } from './errors.js';

/** The ECMAScript built-in globals APPSYNC_JS code may reference (the sandbox realm keeps exactly these). */
export const ECMASCRIPT_GLOBALS: readonly string[] = [
  'globalThis', 'Infinity', 'NaN', 'undefined',
  'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'RegExp', 'Promise',
  'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
  'JSON', 'Math', 'Reflect', 'Proxy', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

/** Globals the APPSYNC_JS runtime adds to the ECMAScript ones. */
export const APPSYNC_GLOBALS: readonly string[] = ['util', 'extensions', 'runtime', 'console'];

const KNOWN_GLOBALS = new Set([...ECMASCRIPT_GLOBALS, ...APPSYNC_GLOBALS]);

/** Array methods that may receive a callback (`no-function-passing`); `sort` is deliberately absent. */
const CALLBACK_METHODS = new Set([
  'map', 'find', 'filter', 'findIndex', 'findLast', 'findLastIndex', 'forEach', 'reduce', 'reduceRight', 'every',
  'some', 'flatMap',
]);

/** `no-disallowed-methods`, static methods: receiver global → denied method names. */
const DENIED_STATIC_METHODS = new Map<string, ReadonlySet<string>>([
  ['Array', new Set(['from', 'of'])],
  [
    'Object',
    new Set([
      'create', 'defineProperties', 'defineProperty', 'freeze', 'getOwnPropertyDescriptor',
      'getOwnPropertyDescriptors', 'getOwnPropertyNames', 'getOwnPropertySymbols', 'getPrototypeOf',
      'hasOwnProperty', 'is', 'isExtensible', 'isFrozen', 'isPrototypeOf', 'isSealed', 'preventExtensions',
      'propertyIsEnumerable', 'seal', 'setPrototypeOf', 'toLocaleString', 'toString', 'valueOf',
    ]),
  ],
  ['String', new Set(['fromCharCode', 'fromCodePoint'])],
]);

/**
 * `no-disallowed-methods`, instance methods whose name identifies them. `toString`/`valueOf` are on the deny-list
 * for arrays and strings but are indistinguishable from the allowed `Number` ones without types, so they pass.
 */
const DENIED_INSTANCE_METHODS = new Map<string, string>([
  ...['copyWithin', 'group', 'groupToMap'].map((method) => [method, `Array.${method}`] as const),
  ...[
    'charCodeAt', 'localeCompare', 'matchAll', 'padEnd', 'padStart', 'repeat', 'search', 'toLocaleLowerCase',
    'toLocaleUpperCase',
  ].map((method) => [method, `String.${method}`] as const),
  ...[
    'setDate', 'setFullYear', 'setHours', 'setMilliseconds', 'setMinutes', 'setMonth', 'setSeconds', 'setTime',
    'setUTCDate', 'setUTCFullYear', 'setUTCHours', 'setUTCMilliseconds', 'setUTCMinutes', 'setUTCMonth',
    'setUTCSeconds', 'setYear', 'toGMTString', 'toLocaleDateString', 'toLocaleTimeString',
  ].map((method) => [method, `Date.${method}`] as const),
  ['toLocaleString', 'toLocaleString'],
]);

/** Zero-argument `Array` iterator methods (denied), told apart from `Object.keys(o)` & co. (allowed). */
const DENIED_ITERATOR_METHODS = new Set(['keys', 'values', 'entries']);

const HANDLER_NAMES = new Set(['request', 'response']);

type FunctionNode = FunctionDeclaration | AnonymousFunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

interface Binding {
  readonly name: string;
  /** The function this name is bound to by its declaration, if any. */
  readonly fn: FunctionNode | null;
}

class Scope {
  readonly bindings = new Map<string, Binding>();

  constructor(
    readonly parent: Scope | null,
    /** Function bodies and the module: where `var` declarations land. */
    readonly isVariableScope: boolean,
  ) {}

  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }

  get variableScope(): Scope {
    return this.isVariableScope || !this.parent ? this : this.parent.variableScope;
  }
}

interface CallEdge {
  readonly from: FunctionNode;
  readonly to: FunctionNode;
  readonly call: CallExpression;
}

const PARSE_OPTIONS = { ecmaVersion: 'latest', sourceType: 'module', locations: true } as const;

/**
 * Parses an APPSYNC_JS module.
 * @throws CodeValidationError (rule `syntax`) when the source is not a valid ES module.
 */
export function parseResolverModule(source: string, name: string): Program {
  try {
    return parse(source, PARSE_OPTIONS);
  } catch (error) {
    const location = (error as { loc?: { line: number; column: number } }).loc;
    const message = error instanceof Error ? error.message.replace(/ \(\d+:\d+\)$/, '') : String(error);
    throw new CodeValidationError(name, [
      { rule: 'syntax', message, line: location?.line ?? 1, column: (location?.column ?? 0) + 1 },
    ]);
  }
}

/**
 * Checks a parsed module against the APPSYNC_JS language rules.
 * @throws CodeValidationError listing every violation.
 */
export function checkResolverModule(program: Program, source: string, name: string): void {
  const violations = new RuleChecker(program, source).run();
  if (violations.length > 0) throw new CodeValidationError(name, violations);
}

/**
 * Refuses code AppSync would refuse to save: unsupported syntax (async/await, classes, C-style `for`, `while`,
 * `try`, `throw`, labels, regex literals, `this`, `++`/`--`/`~`, `in`, `instanceof`, `new`), recursion, passing,
 * re-assigning or returning functions, writes to `ctx` or its direct properties in `request`/`response`,
 * `apply`/`bind`/`call`, imports other than the runtime modules, deny-listed built-in methods and undeclared names.
 *
 * @param source - The ES module as AppSync receives it (e.g. {@link compileResolverCode}'s output).
 * @param name - Used in positions: `name:line:column`.
 * @throws CodeValidationError whose `violations` name each rule with its line and column.
 *
 * @example
 * ```ts
 * validateResolverCode('export function request(ctx) { while (true) {} }', 'Query.loop.js');
 * // throws CodeValidationError: Query.loop.js:1:32: While statements are not supported. [no-while]
 * ```
 */
export function validateResolverCode(source: string, name: string): void {
  checkResolverModule(parseResolverModule(source, name), source, name);
}

/**
 * Whether validated code can run without end. The rules leave no while, C-style for, recursion or generator, and
 * Array callbacks visit a fixed length, so only two constructs remain: `for…of` over an array that grows while it
 * is iterated, and a custom iterator (`Symbol.iterator`). Code with neither always terminates, so the runtime can
 * call it without the per-call time budget, whose watchdog costs far more than a typical handler.
 *
 * @example
 * ```ts
 * mayRunWithoutEnd(parseResolverModule('export function request(ctx) { return ctx.args.ids.map((id) => ({ id })); }', 'a.js')); // false
 * mayRunWithoutEnd(parseResolverModule('export function request(ctx) { for (const x of ctx.args.ids) {} }', 'b.js')); // true
 * ```
 */
export function mayRunWithoutEnd(program: Program): boolean {
  let unbounded = false;
  full(program, (node) => {
    if (node.type === 'ForOfStatement' || (node.type === 'Identifier' && node.name === 'Symbol')) unbounded = true;
  });
  return unbounded;
}

class RuleChecker {
  private readonly violations: CodeViolation[] = [];
  private readonly reported = new Set<string>();
  private readonly scopes = new Map<AnyNode, Scope>();
  /** Functions bound to a name, with that name (recursion graph nodes). */
  private readonly namedFunctions = new Map<FunctionNode, string>();
  /** The `ctx` parameters of `request`/`response` handlers. */
  private readonly contextBindings = new Set<Binding>();
  /** Module-level names exported as `request`/`response` (esbuild may rename them, e.g. `request2`). */
  private readonly exportedHandlers = new Set<string>();
  private readonly callEdges: CallEdge[] = [];
  /** Nodes from the root to the parent of the node being checked. */
  private readonly ancestors: AnyNode[] = [];
  /** Named functions enclosing the node being checked, innermost last. */
  private readonly enclosingFunctions: FunctionNode[] = [];

  constructor(
    private readonly program: Program,
    private readonly source: string,
  ) {}

  run(): CodeViolation[] {
    const moduleScope = new Scope(null, true);
    this.collectExportedHandlers();
    this.declare(this.program, moduleScope);
    this.check(this.program, '', moduleScope);
    this.checkRecursion();
    return this.violations.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  private report(node: AnyNode, rule: string, message: string): void {
    const key = `${rule}@${node.start}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const start = node.loc?.start ?? { line: 1, column: 0 };
    this.violations.push({ rule, message, line: start.line, column: start.column + 1 });
  }

  private collectExportedHandlers(): void {
    for (const statement of this.program.body) {
      if (statement.type !== 'ExportNamedDeclaration' || statement.source) continue;
      for (const specifier of statement.specifiers) {
        const exported = specifier.exported.type === 'Identifier' ? specifier.exported.name : specifier.exported.value;
        if (typeof exported === 'string' && HANDLER_NAMES.has(exported) && specifier.local.type === 'Identifier') {
          this.exportedHandlers.add(specifier.local.name);
        }
      }
    }
  }

  // ---- pass 1: scopes and declarations -------------------------------------------------------------------------

  private bind(scope: Scope, name: string, fn: FunctionNode | null): void {
    const existing = scope.bindings.get(name);
    if (existing?.fn && !fn) return;
    scope.bindings.set(name, { name, fn });
    if (fn && !this.namedFunctions.has(fn)) this.namedFunctions.set(fn, name);
  }

  private declare(node: AnyNode, scope: Scope): void {
    let inner = this.scopes.get(node) ?? scope;
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        if (node.type === 'FunctionDeclaration' && node.id) this.bind(scope, node.id.name, node);
        inner = new Scope(scope, true);
        if (node.type !== 'ArrowFunctionExpression') {
          this.bind(inner, 'arguments', null);
          if (node.type === 'FunctionExpression' && node.id) this.bind(inner, node.id.name, node);
        }
        for (const param of node.params) {
          for (const id of patternIdentifiers(param)) this.bind(inner, id.name, null);
        }
        // The body block shares the parameters' scope.
        if (node.body.type === 'BlockStatement') this.scopes.set(node.body, inner);
        this.scopes.set(node, inner);
        break;
      }
      case 'BlockStatement':
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'SwitchStatement':
      case 'StaticBlock':
        if (!this.scopes.has(node)) {
          inner = new Scope(scope, false);
          this.scopes.set(node, inner);
        }
        break;
      case 'CatchClause':
        inner = new Scope(scope, false);
        this.scopes.set(node, inner);
        if (node.param) for (const id of patternIdentifiers(node.param)) this.bind(inner, id.name, null);
        break;
      case 'VariableDeclaration': {
        const target = node.kind === 'var' ? scope.variableScope : scope;
        for (const declarator of node.declarations) {
          const fn = declarator.id.type === 'Identifier' && declarator.init && isFunctionNode(declarator.init)
            ? declarator.init
            : null;
          for (const id of patternIdentifiers(declarator.id)) this.bind(target, id.name, fn);
        }
        break;
      }
      case 'ClassDeclaration':
        if (node.id) this.bind(scope, node.id.name, null);
        break;
      case 'ImportDeclaration':
        for (const specifier of node.specifiers) this.bind(scope, specifier.local.name, null);
        break;
      default:
        break;
    }
    for (const [, child] of childNodes(node)) this.declare(child, inner);
  }

  // ---- pass 2: rules ---------------------------------------------------------------------------------------------

  private check(node: AnyNode, key: string, scope: Scope): void {
    const inner = this.scopes.get(node) ?? scope;
    this.checkNode(node, key, scope, inner);
    const isNamedFunction = isFunctionNode(node) && this.namedFunctions.has(node);
    if (isNamedFunction) this.enclosingFunctions.push(node);
    this.ancestors.push(node);
    for (const [childKey, child] of childNodes(node)) this.check(child, childKey, inner);
    this.ancestors.pop();
    if (isNamedFunction) this.enclosingFunctions.pop();
  }

  private checkNode(node: AnyNode, key: string, scope: Scope, inner: Scope): void {
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.checkFunction(node, inner);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        this.report(node, 'no-classes', 'Class declarations are not supported.');
        break;
      case 'ForStatement':
        this.report(node, 'no-for', 'For statements are not supported.');
        break;
      case 'ForOfStatement':
        if (node.await) this.report(node, 'no-await', 'The `await` keyword is not supported');
        break;
      case 'ContinueStatement':
        this.report(node, 'no-continue', 'Continue statements are not supported');
        break;
      case 'YieldExpression':
        this.report(node, 'no-yield', 'Yield statements are not supported');
        break;
      case 'AwaitExpression':
        this.report(node, 'no-await', 'The `await` keyword is not supported');
        break;
      case 'LabeledStatement':
        this.report(node, 'no-labels', 'Labeled statements are not supported.');
        break;
      case 'Literal':
        if (node.regex) this.report(node, 'no-regex', 'Regex literals are not supported.');
        break;
      case 'ThisExpression':
        this.report(node, 'no-this', 'This expressions are not supported.');
        break;
      case 'TryStatement':
        this.report(node, 'no-try', 'Try statements are not supported.');
        break;
      case 'ThrowStatement':
        this.report(node, 'no-throw', 'Throw statements are not supported. Use util.error().');
        break;
      case 'WhileStatement':
        this.report(node, 'no-while', 'While statements are not supported.');
        break;
      case 'DoWhileStatement':
        this.report(node, 'no-while', 'do...while statements are not supported.');
        break;
      case 'UpdateExpression':
        this.report(node, 'no-disallowed-unary-operators', `The operator ${node.operator} is not supported`);
        break;
      case 'UnaryExpression':
        if (node.operator === '~') {
          this.report(node, 'no-disallowed-unary-operators', 'The operator ~ is not supported');
        }
        break;
      case 'BinaryExpression':
        if (node.operator === 'instanceof') {
          this.report(node, 'no-disallowed-binary-operators', 'The operator instanceof is not supported');
        } else if (node.operator === 'in') {
          this.report(node, 'no-in-operator', 'in operator is not supported. Use Object.hasOwn().');
        }
        break;
      case 'NewExpression':
        if (!(node.callee.type === 'Identifier' && node.callee.name === 'Promise' && !scope.lookup('Promise'))) {
          this.report(node, 'no-new', `Constructors are not supported: new ${this.text(node.callee)}`);
        }
        break;
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration':
        if (node.source && !RUNTIME_MODULES.includes(String(node.source.value))) {
          const specifier = String(node.source.value);
          this.report(
            node.source,
            'no-disallowed-import',
            `Module '${specifier}' is not available at runtime; only ${RUNTIME_MODULES.join(' and ')} can be ` +
              'imported (bundle everything else).',
          );
        }
        break;
      case 'ImportExpression':
        this.report(node, 'no-disallowed-import', 'Dynamic import() is not supported.');
        break;
      case 'MetaProperty':
        if (node.meta.name === 'import') this.report(node, 'no-disallowed-import', 'import.meta is not supported.');
        break;
      case 'ReturnStatement':
        if (node.argument && this.isFunctionValue(node.argument, scope)) {
          this.report(node, 'no-function-return', 'returning a function is not allowed');
        }
        break;
      case 'CallExpression':
        this.checkCall(node, scope);
        break;
      case 'VariableDeclarator':
        if (node.init?.type === 'Identifier' && this.isFunctionValue(node.init, scope)) {
          this.report(node, 'no-function-reassign', 're-assigning function is not allowed');
        }
        break;
      case 'AssignmentExpression':
        if (
          (node.right.type === 'Identifier' && this.isFunctionValue(node.right, scope)) ||
          (node.left.type === 'Identifier' && this.isFunctionValue(node.left, scope))
        ) {
          this.report(node, 'no-function-reassign', 're-assigning function is not allowed');
        }
        break;
      case 'Identifier':
        if (this.isReference(node, key)) this.checkReference(node, scope);
        break;
      default:
        break;
    }
  }

  private checkFunction(node: FunctionNode, inner: Scope): void {
    if (node.async) this.report(node, 'no-async', 'Async functions are not supported.');
    if (node.generator) this.report(node, 'no-generators', 'Generator functions are not supported.');
    if (node.type === 'ArrowFunctionExpression' && node.body.type !== 'BlockStatement') {
      if (this.isFunctionValue(node.body, inner)) {
        this.report(node, 'no-function-return', 'returning a function is not allowed');
      }
    }
    const name = this.namedFunctions.get(node);
    const first = node.params[0];
    if (name && (HANDLER_NAMES.has(name) || this.exportedHandlers.has(name)) && first?.type === 'Identifier') {
      const binding = inner.bindings.get(first.name);
      if (binding) this.contextBindings.add(binding);
    }
  }

  private checkCall(node: CallExpression, scope: Scope): void {
    const callee = node.callee.type === 'ChainExpression' ? node.callee.expression : node.callee;
    const method = callee.type === 'MemberExpression' ? memberName(callee) : null;

    if (callee.type === 'MemberExpression' && method !== null) {
      if (method === 'apply' || method === 'bind' || method === 'call') {
        this.report(node, 'no-function-prototype-methods', `Function.prototype.${method} is not supported.`);
      }
      const denied = this.deniedMethod(callee, method, node.arguments.length, scope);
      if (denied) this.report(node, 'no-disallowed-methods', `Method ${denied} is not implemented`);
    }

    const passesFunction = node.arguments.some(
      (argument) => argument.type !== 'SpreadElement' && this.isFunctionValue(argument, scope),
    );
    if (passesFunction && !(method !== null && CALLBACK_METHODS.has(method))) {
      this.report(node, 'no-function-passing', 'Functions can not be passed as an argument');
    }

    const caller = this.enclosingFunctions.at(-1);
    if (caller && callee.type === 'Identifier') {
      const target = scope.lookup(callee.name)?.fn;
      if (target) this.callEdges.push({ from: caller, to: target, call: node });
    }
  }

  private deniedMethod(callee: MemberExpression, method: string, argumentCount: number, scope: Scope): string | null {
    const receiver = callee.object;
    const globalReceiver = receiver.type === 'Identifier' && !scope.lookup(receiver.name) ? receiver.name : null;
    if (globalReceiver !== null) {
      const deniedStatics = DENIED_STATIC_METHODS.get(globalReceiver);
      if (deniedStatics) return deniedStatics.has(method) ? `${globalReceiver}.${method}` : null;
    }
    if (DENIED_ITERATOR_METHODS.has(method) && argumentCount === 0) return `Array.${method}`;
    return DENIED_INSTANCE_METHODS.get(method) ?? null;
  }

  private checkReference(node: Identifier, scope: Scope): void {
    const binding = scope.lookup(node.name);
    const parentIndex = this.ancestors.length - 1;
    if (!binding) {
      if (node.name === 'Promise') {
        this.report(node, 'no-promise', 'Promise is not supported');
      } else if (node.name === 'eval' || node.name === 'Function') {
        this.report(node, 'no-eval', 'eval and the Function constructor are not supported.');
      } else if (!KNOWN_GLOBALS.has(node.name)) {
        this.report(node, 'no-undeclared', `'${node.name}' is not defined.`);
      } else if (this.isWriteTarget(node, parentIndex)) {
        this.report(node, 'no-global-assign', `Assignment to the global '${node.name}' is not supported.`);
      }
      return;
    }
    if (!this.contextBindings.has(binding)) return;
    if (this.isWriteTarget(node, parentIndex)) {
      this.report(node, 'no-disallowed-re-assignment', `${node.name} is readonly and re-assignment is not supported.`);
      return;
    }
    const parent = this.ancestors[parentIndex];
    if (parent?.type === 'MemberExpression' && parent.object === node && this.isWriteTarget(parent, parentIndex - 1)) {
      const property = memberName(parent);
      this.report(
        parent,
        'no-disallowed-re-assignment',
        property === null
          ? `${node.name} is readonly adding/modifying properties is not supported.`
          : `${node.name} is readonly. Adding/Updating ${property} is not supported.`,
      );
    }
  }

  /** Whether the identifier being checked (child `key` of the current parent) is a use of a variable. */
  private isReference(node: Identifier, key: string): boolean {
    const parent = this.ancestors.at(-1);
    if (!parent) return true;
    switch (parent.type) {
      case 'MemberExpression':
        return key !== 'property' || parent.computed;
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        return key !== 'key' || parent.computed;
      case 'LabeledStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
      case 'ImportSpecifier':
      case 'ImportDefaultSpecifier':
      case 'ImportNamespaceSpecifier':
      case 'ExportAllDeclaration':
      case 'ImportAttribute':
        return false;
      case 'ExportSpecifier': {
        const declaration = this.ancestors.at(-2);
        return key === 'local' && !(declaration?.type === 'ExportNamedDeclaration' && declaration.source);
      }
      case 'ClassDeclaration':
      case 'ClassExpression':
        return key !== 'id';
      default:
        return true;
    }
  }

  /** Whether `node` (whose parent is `ancestors[parentIndex]`) is written: assigned, updated, deleted, looped into. */
  private isWriteTarget(node: AnyNode, parentIndex: number): boolean {
    let child: AnyNode = node;
    for (let index = parentIndex; index >= 0; index--) {
      const parent = this.ancestors[index];
      if (!parent) return false;
      switch (parent.type) {
        case 'AssignmentExpression':
          return parent.left === child;
        case 'UpdateExpression':
          return true;
        case 'UnaryExpression':
          return parent.operator === 'delete';
        case 'ForInStatement':
        case 'ForOfStatement':
          return parent.left === child;
        case 'ArrayPattern':
        case 'ObjectPattern':
        case 'RestElement':
          break;
        case 'AssignmentPattern':
        case 'Property':
          // Inside a destructuring target only the target side is written (not defaults or computed keys).
          if ((parent.type === 'AssignmentPattern' ? parent.left : parent.value) !== child) return false;
          break;
        default:
          return false;
      }
      child = parent;
    }
    return false;
  }

  private isFunctionValue(node: AnyNode, scope: Scope): boolean {
    if (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') return true;
    return node.type === 'Identifier' && Boolean(scope.lookup(node.name)?.fn);
  }

  /** `no-recursion`: any call that closes a cycle in the graph of named functions calling each other. */
  private checkRecursion(): void {
    const callees = new Map<FunctionNode, Set<FunctionNode>>();
    for (const edge of this.callEdges) {
      const targets = callees.get(edge.from) ?? new Set<FunctionNode>();
      targets.add(edge.to);
      callees.set(edge.from, targets);
    }
    for (const edge of this.callEdges) {
      const path = shortestPath(callees, edge.to, edge.from);
      if (!path) continue;
      const cycle = [edge.from, ...path].map((fn) => this.namedFunctions.get(fn) ?? 'anonymous function');
      this.report(
        edge.call,
        'no-recursion',
        `Recursive function calls not supported. Detected cycle in ${cycle.join(' <-')}`,
      );
    }
  }

  private text(node: AnyNode): string {
    return this.source.slice(node.start, node.end);
  }
}

function shortestPath(
  callees: ReadonlyMap<FunctionNode, ReadonlySet<FunctionNode>>,
  start: FunctionNode,
  goal: FunctionNode,
): FunctionNode[] | null {
  const previous = new Map<FunctionNode, FunctionNode | null>([[start, null]]);
  const queue: FunctionNode[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    if (current === goal) {
      const path: FunctionNode[] = [];
      for (let step: FunctionNode | null = current; step; step = previous.get(step) ?? null) path.unshift(step);
      return path;
    }
    for (const next of callees.get(current) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, current);
        queue.push(next);
      }
    }
  }
  return null;
}

function isFunctionNode(node: AnyNode): node is FunctionNode {
  return (
    node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression'
  );
}

/** The property name of `a.b` / `a['b']`, or null when it is computed from an expression. */
function memberName(node: MemberExpression): string | null {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return null;
}

/** Identifiers a binding pattern declares. */
export function patternIdentifiers(pattern: Pattern): Identifier[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern];
    case 'ObjectPattern':
      return pattern.properties.flatMap((property) =>
        patternIdentifiers(property.type === 'RestElement' ? property.argument : property.value),
      );
    case 'ArrayPattern':
      return pattern.elements.flatMap((element) => (element ? patternIdentifiers(element) : []));
    case 'RestElement':
      return patternIdentifiers(pattern.argument);
    case 'AssignmentPattern':
      return patternIdentifiers(pattern.left);
    case 'MemberExpression':
      return [];
  }
}

/** The direct child nodes of a node, with the property holding each. */
function* childNodes(node: AnyNode): Generator<[string, AnyNode]> {
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) yield [key, item];
    } else if (isNode(value)) {
      yield [key, value];
    }
  }
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
