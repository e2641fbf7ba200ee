import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoDbLocalPaths } from '../../local/dynamodb/emulator-location.mjs';
import { loopbackShimPaths } from '../../local/dynamodb/loopback-shim.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const temporaryDirs: string[] = [];

function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

/** Runs install.mjs as npm's postinstall does (from the repo root); the real download is exercised by `npm install`. */
async function runInstall(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['local/dynamodb/install.mjs'], { cwd: repoRoot, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('install.mjs', () => {
  it('puts DynamoDB Local in the per-user cache, honouring WAVECHAT_CACHE_DIR and XDG_CACHE_HOME', () => {
    expect(dynamoDbLocalPaths({ WAVECHAT_CACHE_DIR: '/c' }).jarPath).toBe('/c/dynamodb-local/2.9.30/emulator/DynamoDBLocal.jar');
    expect(dynamoDbLocalPaths({ XDG_CACHE_HOME: '/x' }).installDir).toBe('/x/wavechat/dynamodb-local/2.9.30');
    expect(dynamoDbLocalPaths({}).installDir).not.toContain(repoRoot);
  });

  it('downloads nothing when the jar and the completion marker are present; a failed shim compile only warns', async () => {
    const cache = temporaryDir('wavechat-cache-');
    const paths = dynamoDbLocalPaths({ WAVECHAT_CACHE_DIR: cache });
    mkdirSync(paths.emulatorDir, { recursive: true });
    writeFileSync(paths.jarPath, 'stand-in jar');
    writeFileSync(paths.completeMarkerPath, 'done');
    // An unreachable registry proves no download is attempted.
    const result = await runInstall({ ...process.env, WAVECHAT_CACHE_DIR: cache, npm_config_registry: 'http://127.0.0.1:9/' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('already installed');
    // javac cannot read the stand-in jar; the launcher would retry, or fall back to source-file mode.
    expect(result.stderr).toContain('could not compile the DynamoDB Local loopback shim');
    expect(existsSync(loopbackShimPaths(paths.installDir).classDir)).toBe(false);
  });

  // javac takes seconds on a loaded 2-core machine.
  it('compiles the loopback shim next to the emulator when javac is found, and only once', { timeout: 60_000 }, async () => {
    const cache = temporaryDir('wavechat-cache-');
    const paths = dynamoDbLocalPaths({ WAVECHAT_CACHE_DIR: cache });
    mkdirSync(paths.installDir, { recursive: true });
    symlinkSync(dynamoDbLocalPaths().emulatorDir, paths.emulatorDir);
    writeFileSync(paths.completeMarkerPath, 'done');
    const shim = loopbackShimPaths(paths.installDir);

    const first = await runInstall({ ...process.env, WAVECHAT_CACHE_DIR: cache });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`compiled the DynamoDB Local loopback shim into ${shim.classDir}`);
    expect(existsSync(shim.classFile)).toBe(true);

    const second = await runInstall({ ...process.env, WAVECHAT_CACHE_DIR: cache });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('compiled');
  });

  it('treats a jar without the marker as an interrupted install to redo, and fails loudly when npm cannot fetch', async () => {
    const cache = temporaryDir('wavechat-cache-');
    const paths = dynamoDbLocalPaths({ WAVECHAT_CACHE_DIR: cache });
    mkdirSync(paths.emulatorDir, { recursive: true });
    writeFileSync(paths.jarPath, 'half-written jar');
    const result = await runInstall({
      ...process.env,
      WAVECHAT_CACHE_DIR: cache,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: temporaryDir('wavechat-npm-cache-'),
      npm_config_fetch_retries: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not install DynamoDB Local from npm amplify-dynamodb-simulator@2.9.30');
    expect(result.stderr).toContain('npm pack amplify-dynamodb-simulator@2.9.30');
    expect(existsSync(paths.completeMarkerPath)).toBe(false);
  });
});
