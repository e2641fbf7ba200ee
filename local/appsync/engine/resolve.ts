/**
 * Runs one field's resolver in AppSync's order: unit (request → data source → response) or pipeline (request →
 * each function's request → data source → response → resolver response), with `runtime.earlyReturn`, `util.error`
 * and `ctx.error` semantics.
 */
import type { DataSource } from '../datasources/types.js';
import { MalformedRequestError } from '../datasources/errors.js';
import type { AppSyncJsRuntime } from '../runtime/index.js';
import type { HandlerOutcome, LoadedCode, ResolverRun, ResolverRunInput, RunEffects } from '../runtime/types.js';
import { FieldError } from './errors.js';
import type { LoadedResolver } from './load.js';

/** The field's value and what its handlers recorded. */
export interface ResolverResult {
  readonly value: unknown;
  readonly effects: RunEffects;
}

/** Thrown `FieldError`s end the field; appended errors come back in `effects`. */
export async function runResolver(
  resolver: LoadedResolver,
  input: ResolverRunInput,
  runtime: AppSyncJsRuntime,
  dataSources: ReadonlyMap<string, DataSource>,
): Promise<ResolverResult> {
  const run = runtime.beginRun(input);
  const value =
    resolver.kind === 'UNIT'
      ? await runUnit(run, resolver.code, resolver.dataSource, resolver.scope, dataSources)
      : await runPipeline(run, resolver, dataSources);
  return { value, effects: run.effects };
}

async function runUnit(
  run: ResolverRun,
  code: LoadedCode,
  dataSourceName: string,
  scope: string,
  dataSources: ReadonlyMap<string, DataSource>,
): Promise<unknown> {
  const request = valueOf(run.call(code, 'request', { prev: null }));
  if (request.earlyReturn) return request.value;
  const response = await invoke(dataSources, dataSourceName, request.value, scope);
  return valueOf(run.call(code, 'response', { prev: null, result: response.result, error: response.error ?? null })).value;
}

async function runPipeline(
  run: ResolverRun,
  resolver: Extract<LoadedResolver, { kind: 'PIPELINE' }>,
  dataSources: ReadonlyMap<string, DataSource>,
): Promise<unknown> {
  const before = valueOf(run.call(resolver.code, 'request', { prev: null }));
  let prev = before.value;
  if (!before.earlyReturn) {
    for (const fn of resolver.functions) {
      const request = valueOf(run.call(fn.code, 'request', { prev: { result: prev } }));
      if (request.earlyReturn) {
        prev = request.value;
        // AWS: without skipTo, a function's early return goes on to the next function.
        if (request.skipTo === 'END') break;
        continue;
      }
      const response = await invoke(dataSources, fn.dataSource, request.value, `function:${fn.name}`);
      const after = valueOf(
        run.call(fn.code, 'response', { prev: { result: prev }, result: response.result, error: response.error ?? null }),
      );
      prev = after.value;
      if (after.earlyReturn && after.skipTo === 'END') break;
    }
  }
  return valueOf(run.call(resolver.code, 'response', { prev: { result: prev }, result: prev })).value;
}

interface HandlerValue {
  readonly value: unknown;
  readonly earlyReturn: boolean;
  readonly skipTo: 'END' | 'NEXT' | null;
}

function valueOf(outcome: HandlerOutcome): HandlerValue {
  switch (outcome.kind) {
    case 'error':
      throw new FieldError(outcome.error);
    case 'earlyReturn':
      return { value: outcome.value, earlyReturn: true, skipTo: outcome.skipTo };
    case 'return':
      return { value: outcome.value, earlyReturn: false, skipTo: null };
  }
}

async function invoke(dataSources: ReadonlyMap<string, DataSource>, name: string, request: unknown, scope: string) {
  const dataSource = dataSources.get(name);
  if (!dataSource) {
    throw new FieldError({ message: `Data source ${name} is not available`, errorType: 'InternalFailure', data: null, errorInfo: null });
  }
  try {
    return await dataSource.invoke({ request, scope });
  } catch (error) {
    if (error instanceof MalformedRequestError) {
      throw new FieldError({ message: error.message, errorType: 'MappingTemplate', data: null, errorInfo: null });
    }
    throw error;
  }
}
