// The Java shim that makes DynamoDB Local listen on 127.0.0.1 only (LoopbackDynamoDbLocal.java, see its header).
// It is compiled once per version of its source into the per-user cache, next to the emulator: by install.mjs (npm
// postinstall) when a JDK is present, else by the launcher on first use. Plain JavaScript because both share it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeAbandonedStagingDirs, stagingDirFor } from './staging-dirs.mjs';

export const LOOPBACK_SHIM_CLASS = 'LoopbackDynamoDbLocal';
const SOURCE_PATH = fileURLToPath(new URL(`./${LOOPBACK_SHIM_CLASS}.java`, import.meta.url));
/** Class files Java 11+ can load whichever JDK compiled them: the cache is shared by every JDK on the machine. */
const JAVAC_OPTIONS = ['--release', '11', '-nowarn'];
/** javac takes ~2 s; far more means it hangs (e.g. a full disk), and the launcher can still use source-file mode. */
const COMPILE_TIMEOUT_MS = 120_000;

/** Where the shim's source is and where its compiled class goes for that source (named by a hash of it). */
export function loopbackShimPaths(installDir) {
  const digest = createHash('sha256').update(readFileSync(SOURCE_PATH)).update(JAVAC_OPTIONS.join(' '));
  const classDir = join(installDir, `loopback-shim-${digest.digest('hex').slice(0, 16)}`);
  return { sourcePath: SOURCE_PATH, classDir, classFile: classFileIn(classDir) };
}

function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `$JAVA_HOME/bin/javac`, else `javac` on PATH; undefined when there is no JDK. */
export function findJavac(env = process.env) {
  const candidates = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'javac'));
  if (env.JAVA_HOME) candidates.unshift(join(env.JAVA_HOME, 'bin', 'javac'));
  return candidates.find(isExecutableFile);
}

function runJavac(javac, args) {
  return new Promise((resolve) => {
    const child = spawn(javac, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: COMPILE_TIMEOUT_MS });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => resolve(`cannot run ${javac}: ${error.message}`));
    child.once('close', (code, signal) => {
      resolve(code === 0 ? undefined : `${javac} exited with ${code ?? signal}:\n${output}`);
    });
  });
}

function classFileIn(classDir) {
  return join(classDir, `${LOOPBACK_SHIM_CLASS}.class`);
}

async function compile(javac, jarPath, classDir) {
  const stagingDir = stagingDirFor(classDir);
  try {
    mkdirSync(dirname(classDir), { recursive: true });
    removeAbandonedStagingDirs(classDir);
    rmSync(stagingDir, { recursive: true, force: true });
    const failure = await runJavac(javac, [...JAVAC_OPTIONS, '-cp', jarPath, '-d', stagingDir, SOURCE_PATH]);
    if (failure !== undefined) return { compiled: false, reason: failure.trim() };
    try {
      renameSync(stagingDir, classDir);
    } catch (error) {
      // Another process (a parallel test file, a second clone) may have finished first: keep its copy.
      if (!existsSync(classFileIn(classDir))) throw error;
    }
    return { compiled: true };
  } catch (error) {
    return { compiled: false, reason: `cannot compile into ${classDir}: ${error.message}` };
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** One compilation per class directory and process, so concurrent launches share it and a failure is not retried. */
const compilations = new Map();

/**
 * Compiles the shim against `jarPath` (DynamoDBLocal.jar, whose manifest brings Jetty) into `classDir` unless it is
 * already there. Never throws: resolves to `{ compiled: false, reason }` when javac fails or the cache is not writable.
 */
export function compileLoopbackShim({ javac, jarPath, classDir }) {
  if (existsSync(classFileIn(classDir))) return Promise.resolve({ compiled: true });
  let compilation = compilations.get(classDir);
  if (compilation === undefined) {
    compilation = compile(javac, jarPath, classDir);
    compilations.set(classDir, compilation);
  }
  return compilation;
}
