// Where DynamoDB Local lives on this machine. Plain JavaScript because install.mjs (run by npm's postinstall,
// before any TypeScript tooling can be assumed) and the TypeScript launcher must agree on the same path.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The npm package whose tarball carries DynamoDB Local 1.25.1 in `package/emulator/`. */
export const SIMULATOR_PACKAGE = 'amplify-dynamodb-simulator';
export const SIMULATOR_VERSION = '2.9.30';

/** Written after a complete extraction; its absence means an interrupted or foreign install. */
const COMPLETE_MARKER = '.wavechat-complete';

/**
 * The per-user cache root shared by every clone: `$WAVECHAT_CACHE_DIR`, else `$XDG_CACHE_HOME/wavechat`,
 * else `~/.cache/wavechat`.
 */
export function wavechatCacheDir(env = process.env) {
  if (env.WAVECHAT_CACHE_DIR) return env.WAVECHAT_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wavechat');
}

/** Paths of the extracted DynamoDB Local for the pinned simulator version. */
export function dynamoDbLocalPaths(env = process.env) {
  return dynamoDbLocalPathsIn(join(wavechatCacheDir(env), 'dynamodb-local', SIMULATOR_VERSION));
}

/** Paths of a DynamoDB Local extracted into `installDir` (which holds `emulator/`). */
export function dynamoDbLocalPathsIn(installDir) {
  const emulatorDir = join(installDir, 'emulator');
  return {
    installDir,
    emulatorDir,
    jarPath: join(emulatorDir, 'DynamoDBLocal.jar'),
    libraryDir: join(emulatorDir, 'DynamoDBLocal_lib'),
    completeMarkerPath: join(installDir, COMPLETE_MARKER),
  };
}
