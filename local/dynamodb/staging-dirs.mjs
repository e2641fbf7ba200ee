// Staging directories for writes into the shared per-user cache: each writer fills `<target>.partial-<pid>` and
// renames it onto `<target>`, so a reader never sees half a tree. Plain JavaScript for install.mjs (npm postinstall).
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** This process's staging directory for `target`. */
export function stagingDirFor(target) {
  return `${target}.partial-${process.pid}`;
}

function processIsAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Removes staging directories for `target` left by processes that were killed (their pid is in the name). */
export function removeAbandonedStagingDirs(target) {
  const prefix = `${basename(target)}.partial-`;
  const parentDir = dirname(target);
  for (const name of readdirSync(parentDir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && !processIsAlive(pid)) rmSync(join(parentDir, name), { recursive: true, force: true });
  }
}
