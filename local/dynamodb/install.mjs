// Fetches Amazon DynamoDB Local into the per-user cache (run by npm's `postinstall`), then compiles the shim that makes
// it listen on loopback only (loopback-shim.mjs) when a JDK is present; without javac the launcher runs the shim in
// Java's source-file mode instead.
//
// The jar travels inside the npm package amplify-dynamodb-simulator. Installing that package would drag in ~280
// dependencies (aws-cdk-lib 2.189, typescript 4.4 …) that collide with ours, so we `npm pack` its tarball and extract
// only `package/emulator/`. The jar's licence forbids redistribution: it must never be copied into the repository.
//
// Usage: node local/dynamodb/install.mjs   (honours WAVECHAT_CACHE_DIR and XDG_CACHE_HOME)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dynamoDbLocalPaths, dynamoDbLocalPathsIn, SIMULATOR_PACKAGE, SIMULATOR_VERSION } from './emulator-location.mjs';
import { compileLoopbackShim, findJavac, loopbackShimPaths } from './loopback-shim.mjs';
import { removeAbandonedStagingDirs, stagingDirFor } from './staging-dirs.mjs';

class InstallError extends Error {}

function isComplete(paths) {
  return existsSync(paths.jarPath) && existsSync(paths.completeMarkerPath);
}

/** Runs npm the way npm itself was run when we are a lifecycle script, so the same npm and config apply. */
function npmCommand() {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.c?js$/.test(npmCli)) return { command: process.execPath, prefixArgs: [npmCli] };
  return { command: 'npm', prefixArgs: [] };
}

/** Runs a command to completion; `label` names it in errors (e.g. `npm pack …`, whichever npm binary ran). */
function run(label, command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...options });
  if (result.error) {
    throw new InstallError(`cannot run ${label}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    // The first lines carry the cause (npm prints its error code and summary first, then stack traces).
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(0, 12).join('\n');
    throw new InstallError(`${label} exited with ${result.status ?? result.signal}:\n${output}`);
  }
}

function packTarball(workDir) {
  const spec = `${SIMULATOR_PACKAGE}@${SIMULATOR_VERSION}`;
  const npm = npmCommand();
  run(`npm pack ${spec}`, npm.command, [...npm.prefixArgs, 'pack', spec, '--loglevel=error'], { cwd: workDir });
  const tarball = readdirSync(workDir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new InstallError(`npm pack ${spec} produced no .tgz in ${workDir}`);
  return join(workDir, tarball);
}

/** Extracts into a sibling staging directory and renames it into place, so a reader never sees half a tree. */
function extractEmulator(tarball, paths) {
  mkdirSync(dirname(paths.installDir), { recursive: true });
  removeAbandonedStagingDirs(paths.installDir);
  const stagingDir = stagingDirFor(paths.installDir);
  rmSync(stagingDir, { recursive: true, force: true });
  mkdirSync(stagingDir);
  try {
    const tarArgs = ['-xzf', tarball, '-C', stagingDir, '--strip-components=1', 'package/emulator'];
    run(`tar ${tarArgs.join(' ')}`, 'tar', tarArgs);
    const staged = dynamoDbLocalPathsIn(stagingDir);
    if (!existsSync(staged.jarPath)) {
      throw new InstallError(`the tarball has no package/emulator/DynamoDBLocal.jar (${tarball})`);
    }
    writeFileSync(staged.completeMarkerPath, `${SIMULATOR_PACKAGE}@${SIMULATOR_VERSION}\n`);
    // Another install (a second clone running npm install at the same time) may have finished first: keep its copy.
    if (isComplete(paths)) return;
    rmSync(paths.installDir, { recursive: true, force: true });
    try {
      renameSync(stagingDir, paths.installDir);
    } catch (error) {
      if (!isComplete(paths)) throw error;
    }
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** Compiling now spares the first launch ~2 s; a failure only warns, as the launcher has source-file mode. */
async function compileShim(paths) {
  const shim = loopbackShimPaths(paths.installDir);
  if (existsSync(shim.classFile)) return;
  const javac = findJavac();
  if (javac === undefined) {
    console.log('wavechat: no javac found; DynamoDB Local will run its loopback shim in Java\'s source-file mode');
    return;
  }
  const result = await compileLoopbackShim({ javac, jarPath: paths.jarPath, classDir: shim.classDir });
  if (result.compiled) console.log(`wavechat: compiled the DynamoDB Local loopback shim into ${shim.classDir}`);
  else console.warn(`wavechat: could not compile the DynamoDB Local loopback shim (retried at launch):\n${result.reason}`);
}

function installEmulator(paths) {
  if (isComplete(paths)) {
    console.log(`wavechat: DynamoDB Local already installed in ${paths.emulatorDir}`);
    return;
  }
  const startedAt = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'wavechat-dynamodb-local-'));
  try {
    extractEmulator(packTarball(workDir), paths);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (!isComplete(paths)) throw new InstallError(`extraction finished but ${paths.jarPath} is missing`);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(`wavechat: DynamoDB Local installed in ${paths.emulatorDir} (${seconds} s)`);
}

try {
  const paths = dynamoDbLocalPaths();
  installEmulator(paths);
  await compileShim(paths);
} catch (error) {
  const reason = error instanceof InstallError ? error.message : (error?.stack ?? String(error));
  console.error(
    `wavechat: could not install DynamoDB Local from npm ${SIMULATOR_PACKAGE}@${SIMULATOR_VERSION}:\n${reason}\n` +
      'The local cloud needs it. Check that the npm registry is reachable and `tar` is installed, then run ' +
      '`node local/dynamodb/install.mjs`.',
  );
  process.exit(1);
}
