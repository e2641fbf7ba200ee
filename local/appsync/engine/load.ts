/**
 * Turns an API description into something executable: the schema with AppSync's scalars and directives, and each
 * resolver's and function's code compiled, validated and loaded once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isObjectType, type GraphQLSchema } from 'graphql';
import type { DataSourceDefinition, GraphqlApiDefinition, ResolverDefinition } from '../description.js';
import { compileResolverCode, type AppSyncJsRuntime } from '../runtime/index.js';
import type { LoadedCode } from '../runtime/types.js';
import { loadSchema } from '../schema/load.js';
import { subscriptionTriggers } from '../schema/triggers.js';
import { ApiDefinitionError } from './errors.js';

/** A pipeline function ready to run. */
export interface LoadedFunction {
  readonly name: string;
  readonly dataSource: string;
  readonly code: LoadedCode;
}

/** A resolver ready to run; `scope` identifies it for data-source pagination tokens. */
export type LoadedResolver =
  | { readonly kind: 'UNIT'; readonly scope: string; readonly code: LoadedCode; readonly dataSource: string }
  | { readonly kind: 'PIPELINE'; readonly scope: string; readonly code: LoadedCode; readonly functions: readonly LoadedFunction[] };

export interface LoadedApi {
  readonly definition: GraphqlApiDefinition;
  readonly schema: GraphQLSchema;
  /** Keyed `Type.field`. */
  readonly resolvers: ReadonlyMap<string, LoadedResolver>;
  /** Mutation field → subscription fields it publishes to (`@aws_subscribe`). */
  readonly triggers: ReadonlyMap<string, readonly string[]>;
}

export const resolverKey = (typeName: string, fieldName: string): string => `${typeName}.${fieldName}`;

/**
 * Loads an API description relative to `rootDir`.
 *
 * @example
 * ```ts
 * const api = await loadApi(chatApi, process.cwd(), new AppSyncJsRuntime());
 * ```
 */
export async function loadApi(
  definition: GraphqlApiDefinition,
  rootDir: string,
  runtime: AppSyncJsRuntime,
): Promise<LoadedApi> {
  const schema = loadSchema(await readFile(path.resolve(rootDir, definition.schemaFile), 'utf8'));
  const dataSources = new Map<string, DataSourceDefinition>(definition.dataSources.map((d) => [d.name, d]));
  const requireDataSource = (name: string, user: string): string => {
    if (!dataSources.has(name)) throw new ApiDefinitionError(`${user} uses data source "${name}", which is not defined`);
    return name;
  };

  // One compile per code file: pipeline resolvers commonly share their code.
  const codeByFile = new Map<string, Promise<LoadedCode>>();
  const load = (file: string): Promise<LoadedCode> => {
    let code = codeByFile.get(file);
    if (!code) {
      code = compileResolverCode(path.resolve(rootDir, file)).then((source) => runtime.load(file, source));
      codeByFile.set(file, code);
    }
    return code;
  };

  const functions = new Map<string, Promise<LoadedFunction>>();
  for (const f of definition.functions) {
    if (functions.has(f.name)) throw new ApiDefinitionError(`Function "${f.name}" is defined twice`);
    const dataSource = requireDataSource(f.dataSource, `Function "${f.name}"`);
    functions.set(f.name, load(f.code).then((code) => ({ name: f.name, dataSource, code })));
  }

  const resolvers = new Map<string, LoadedResolver>();
  for (const r of definition.resolvers) {
    const key = resolverKey(r.typeName, r.fieldName);
    checkField(schema, r);
    if (resolvers.has(key)) throw new ApiDefinitionError(`Resolver ${key} is defined twice`);
    resolvers.set(key, await loadResolver(r, key, load, functions, requireDataSource));
  }
  return { definition, schema, resolvers, triggers: subscriptionTriggers(schema) };
}

function checkField(schema: GraphQLSchema, r: ResolverDefinition): void {
  const type = schema.getType(r.typeName);
  if (!type || !isObjectType(type) || !type.getFields()[r.fieldName]) {
    throw new ApiDefinitionError(`Resolver ${r.typeName}.${r.fieldName} has no such field in the schema`);
  }
}

async function loadResolver(
  r: ResolverDefinition,
  scope: string,
  load: (file: string) => Promise<LoadedCode>,
  functions: ReadonlyMap<string, Promise<LoadedFunction>>,
  requireDataSource: (name: string, user: string) => string,
): Promise<LoadedResolver> {
  const code = await load(r.code);
  if (r.kind === 'UNIT') {
    return { kind: 'UNIT', scope, code, dataSource: requireDataSource(r.dataSource, `Resolver ${scope}`) };
  }
  const loaded = await Promise.all(
    r.functions.map((name) => {
      const f = functions.get(name);
      if (!f) throw new ApiDefinitionError(`Resolver ${scope} uses function "${name}", which is not defined`);
      return f;
    }),
  );
  return { kind: 'PIPELINE', scope, code, functions: loaded };
}
