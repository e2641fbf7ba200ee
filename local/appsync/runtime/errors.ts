/**
 * Errors raised while compiling, validating and loading APPSYNC_JS resolver code.
 *
 * Failures inside a handler call are not thrown: they become `{ kind: 'error' }` outcomes (see `types.ts`).
 */

/** One broken language rule, located in the code as AppSync receives it. */
export interface CodeViolation {
  /** Rule id, named after `@aws-appsync/eslint-plugin` where that plugin has the rule (e.g. `no-for`). */
  readonly rule: string;
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** esbuild could not bundle a resolver source file. */
export class CodeCompileError extends Error {
  override readonly name = 'CodeCompileError';

  constructor(
    /** The source file that was compiled. */
    readonly file: string,
    /** esbuild's messages, each `file:line:column: text`. */
    readonly details: readonly string[],
  ) {
    super(`Cannot compile resolver code ${file}:\n${details.join('\n')}`);
  }
}

/** The code is longer than AppSync accepts (`code` is limited to 32,768 characters). */
export class CodeTooLargeError extends Error {
  override readonly name = 'CodeTooLargeError';

  constructor(
    /** File or module name the code came from. */
    readonly codeName: string,
    readonly length: number,
    readonly limit: number,
  ) {
    super(
      `Resolver code ${codeName} is ${length} characters long; AppSync accepts at most ${limit} ` +
        '(bundled output including the inline source map)',
    );
  }
}

/** The code breaks APPSYNC_JS language rules; AppSync would refuse to save it. */
export class CodeValidationError extends Error {
  override readonly name = 'CodeValidationError';

  constructor(
    /** Module name used in positions (`name:line:column`). */
    readonly codeName: string,
    /** Every violation found, in source order; never empty. */
    readonly violations: readonly CodeViolation[],
  ) {
    super(
      violations
        .map(({ line, column, message, rule }) => `${codeName}:${line}:${column}: ${message} [${rule}]`)
        .join('\n'),
    );
  }

  /** The first violation's rule. */
  get rule(): string {
    return this.violations[0]?.rule ?? '';
  }
}

/** Valid code that could not be evaluated (bad import name, exception at module top level, timeout). */
export class CodeLoadError extends Error {
  override readonly name = 'CodeLoadError';

  constructor(
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }
}
