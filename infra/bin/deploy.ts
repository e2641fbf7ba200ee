/**
 * `npm run deploy [-- <cdk deploy options>]`: deploys the chat stack with the pinned CDK CLI, then writes
 * `amplify_outputs.json` from the stack's outputs in the shape `npm start` writes for the local cloud.
 *
 * Needs AWS credentials and a bootstrapped account/region (`npx cdk bootstrap`). Options pass through to
 * `cdk deploy`, e.g. `npm run deploy -- -c wavechat:alarmEmail=ops@example.com --require-approval never`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeployError } from '../errors.js';
import { amplifyOutputsFromStackOutputs } from '../outputs.js';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cdkCli = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
const args = process.argv.slice(2);

async function main(): Promise<void> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'wavechat-deploy-'));
  const outputsFile = path.join(workDir, 'outputs.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      // The app has one stack (its name is the wavechat:stackName context), so --all deploys exactly that one.
      const child = spawn(process.execPath, [cdkCli, 'deploy', '--all', '--outputs-file', outputsFile, ...args], {
        cwd: rootDir,
        stdio: 'inherit',
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new DeployError(`cdk deploy exited with ${code}`);
    const allOutputs = JSON.parse(await readFile(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
    const [stackName, ...others] = Object.keys(allOutputs);
    const stackOutputs = stackName === undefined ? undefined : allOutputs[stackName];
    if (!stackOutputs || others.length > 0) {
      throw new DeployError(`expected the outputs of one stack, cdk deploy reported ${Object.keys(allOutputs).length}`);
    }
    const target = path.join(rootDir, 'amplify_outputs.json');
    await writeFile(target, `${JSON.stringify(amplifyOutputsFromStackOutputs(stackOutputs), null, 2)}\n`);
    console.log(`Wrote ${path.relative(rootDir, target)} for stack ${stackName}.`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`wavechat deploy: ${(error as Error).message}`);
  process.exit(1);
});
