import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppSyncJsRuntime,
  CodeCompileError,
  CodeTooLargeError,
  compileResolverCode,
  validateResolverCode,
} from '../../../local/appsync/runtime/index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'appsync-compile-'));
  await writeFile(
    path.join(dir, 'keys.ts'),
    'export const messageKey = (roomId: string, id: string) => ({ pk: `ROOM#${roomId}`, sk: `MSG#${id}` });\n',
  );
  await writeFile(
    path.join(dir, 'resolver.ts'),
    [
      "import { util, type Context } from '@aws-appsync/utils';",
      "import * as ddb from '@aws-appsync/utils/dynamodb';",
      "import { messageKey } from './keys';",
      '',
      'interface Args { roomId: string; id: string; strong?: boolean }',
      '',
      'export function request(ctx: Context<Args>) {',
      '  const { roomId, id, ...rest } = ctx.args;',
      '  ctx.stash.requestedBy = ctx.identity?.sub ?? null;',
      '  return ddb.get({ key: messageKey(roomId, id), consistentRead: rest.strong === true });',
      '}',
      '',
      'export const response = (ctx: Context) => {',
      '  if (ctx.error) {',
      '    util.error(ctx.error.message, ctx.error.type);',
      '  }',
      '  return { ...ctx.result, by: `${ctx.stash.requestedBy}` };',
      '};',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(dir, 'broken.ts'), 'export function request(ctx) {\n  return {;\n}\n');
  await writeFile(path.join(dir, 'huge.ts'), `export const request = () => '${'x'.repeat(33_000)}';\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compileResolverCode', () => {
  it('bundles local imports, keeps the runtime modules external and inlines a source map without sources', async () => {
    const code = await compileResolverCode(path.join(dir, 'resolver.ts'));
    expect(code).toMatch(/^import \{ util \} from "@aws-appsync\/utils";$/m);
    expect(code).toMatch(/^import \* as ddb from "@aws-appsync\/utils\/dynamodb";$/m);
    expect(code).not.toContain('./keys');
    expect(code).toContain('ROOM#');
    const mapComment = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(code);
    expect(mapComment).not.toBeNull();
    const sourceMap = JSON.parse(Buffer.from(mapComment?.[1] ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
    expect(sourceMap.sources).toEqual(['resolver.ts', 'keys.ts']);
    expect(sourceMap).not.toHaveProperty('sourcesContent');
    expect(() => validateResolverCode(code, 'resolver.js')).not.toThrow();
  });

  it('produces the same artifact whatever the working directory', async () => {
    const absolute = await compileResolverCode(path.join(dir, 'resolver.ts'));
    const relative = await compileResolverCode(path.relative(process.cwd(), path.join(dir, 'resolver.ts')));
    expect(relative).toBe(absolute);
  });

  it('runs in the sandbox with both runtime modules', async () => {
    const runtime = new AppSyncJsRuntime();
    const code = runtime.load('resolver.js', await compileResolverCode(path.join(dir, 'resolver.ts')));
    const run = runtime.beginRun({
      arguments: { roomId: 'r1', id: 'm1', strong: true },
      identity: { sub: 'user-1' },
      authType: 'User Pool Authorization',
      source: null,
      request: { headers: {}, domainName: null },
      info: { fieldName: 'getMessage', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
      env: {},
    });
    expect(run.call(code, 'request', { prev: null })).toEqual({
      kind: 'return',
      value: { operation: 'GetItem', key: { pk: { S: 'ROOM#r1' }, sk: { S: 'MSG#m1' } }, consistentRead: true },
    });
    expect(run.call(code, 'response', { prev: null, result: { text: 'hi' } })).toEqual({
      kind: 'return',
      value: { text: 'hi', by: 'user-1' },
    });
    expect(
      run.call(code, 'response', { result: null, error: { message: 'boom', type: 'DynamoDB:ProvisionedThroughputExceededException' } }),
    ).toEqual({
      kind: 'error',
      error: { message: 'boom', errorType: 'DynamoDB:ProvisionedThroughputExceededException', data: null, errorInfo: null },
    });
  });

  it('fails with esbuild positions when the source does not compile', async () => {
    const failure = compileResolverCode(path.join(dir, 'broken.ts'));
    await expect(failure).rejects.toBeInstanceOf(CodeCompileError);
    await expect(failure).rejects.toThrow(/broken\.ts:2:11: Expected identifier but found ";"/);
  });

  it('fails when the bundle is longer than 32,768 characters', async () => {
    await expect(compileResolverCode(path.join(dir, 'huge.ts'))).rejects.toBeInstanceOf(CodeTooLargeError);
  });
});
