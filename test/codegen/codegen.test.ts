/**
 * Generated code is reproducible: running codegen.ts in memory yields exactly the committed files, so changing
 * schema.graphql or the SDK's operations without `npm run codegen` fails here.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.js';
import { ROOT_DIR } from '../support/cloud.js';

interface GeneratedFile {
  readonly filename: string;
  readonly content: string;
}

const generateInMemory = async (overrides: Partial<typeof config> = {}): Promise<GeneratedFile[]> =>
  (await generate({ ...config, ...overrides, cwd: ROOT_DIR, silent: true }, false)) as GeneratedFile[];

const relative = (filename: string) => path.relative(ROOT_DIR, path.resolve(ROOT_DIR, filename));

describe('codegen', () => {
  it('reproduces the committed generated files exactly (npm run codegen is a no-op)', async () => {
    const outputs = await generateInMemory();
    expect(outputs.map((output) => relative(output.filename)).sort()).toEqual([
      'clients/sdk/generated/graphql.ts',
      'resolvers/generated/types.ts',
    ]);
    for (const output of outputs) {
      const committed = await readFile(path.resolve(ROOT_DIR, output.filename), 'utf8');
      expect(committed, `${relative(output.filename)} is stale: run npm run codegen`).toBe(output.content);
    }
  });

  it('notices an operation that is not in the committed output', async () => {
    const outputs = await generateInMemory({
      documents: ['clients/sdk/operations/*.graphql', 'query RoomName($id: ID!) { room(id: $id) { name } }'],
    });
    const client = outputs.find((output) => relative(output.filename) === 'clients/sdk/generated/graphql.ts');
    const committed = await readFile(path.join(ROOT_DIR, 'clients/sdk/generated/graphql.ts'), 'utf8');
    expect(client?.content).toContain('export const RoomNameDocument');
    expect(client?.content).not.toBe(committed);
  });
});
