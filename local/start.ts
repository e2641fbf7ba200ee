/**
 * `npm start`: runs the local cloud for the chat API with data kept under `.wavechat/`, writes
 * `amplify_outputs.json`, and stops everything on Ctrl-C.
 *
 * Options: --reset (wipe the state first), --appsync-port N, --websocket-port N, --cognito-port N,
 * --dynamodb-port N (or WAVECHAT_APPSYNC_PORT, WAVECHAT_WEBSOCKET_PORT, WAVECHAT_COGNITO_PORT, WAVECHAT_DYNAMODB_PORT;
 * 0 picks a free port), --state-dir DIR (default .wavechat/), --outputs FILE (default amplify_outputs.json).
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seedDemoData } from '../clients/demo/seed.js';
import { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../lambdas/app.js';
import { chatApi } from '../resolvers/api.js';
import { startLocalCloud } from './cloud.js';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    'state-dir': { type: 'string', default: path.join(rootDir, '.wavechat') },
    outputs: { type: 'string', default: path.join(rootDir, 'amplify_outputs.json') },
    'appsync-port': { type: 'string', default: process.env.WAVECHAT_APPSYNC_PORT ?? '4000' },
    'websocket-port': { type: 'string', default: process.env.WAVECHAT_WEBSOCKET_PORT ?? '4001' },
    'cognito-port': { type: 'string', default: process.env.WAVECHAT_COGNITO_PORT ?? '9229' },
    'dynamodb-port': { type: 'string', default: process.env.WAVECHAT_DYNAMODB_PORT ?? '8000' },
  },
});

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--${name} must be a port number (0-65535), got "${value}"`);
  }
  return n;
}

const stateDir = path.resolve(values['state-dir']);
const outputsFile = path.resolve(values.outputs);

async function main(): Promise<void> {
  const started = Date.now();
  // The SDK's notice that Node 20 support ends in 2027: versions are pinned, so it tells a user nothing to do.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (values.reset) {
    await rm(stateDir, { recursive: true, force: true });
    console.log(`Wiped ${path.relative(rootDir, stateDir)}/`);
  }
  console.log('Starting the wavechat local cloud…');
  const cloud = await startLocalCloud({
    api: chatApi,
    functions: chatFunctions,
    webSocketApi: chatWebSocketApi,
    streamConsumers: chatStreamConsumers,
    rootDir,
    stateDir,
    ports: {
      appsync: port('appsync-port', values['appsync-port']),
      websocket: port('websocket-port', values['websocket-port']),
      cognito: port('cognito-port', values['cognito-port']),
      dynamodb: port('dynamodb-port', values['dynamodb-port']),
    },
  });
  await writeFile(outputsFile, `${JSON.stringify(cloud.outputs, null, 2)}\n`);
  const demoUsers = await seedDemoData(cloud, stateDir);

  console.log(`
wavechat local cloud ready in ${((Date.now() - started) / 1000).toFixed(1)} s
  GraphQL      ${cloud.appsync.graphqlUrl}   (https:// on the same port)
  Real-time    ${cloud.appsync.realtimeUrl}
  WebSocket    ${cloud.webSocket?.url}?token=<Cognito token>   (raw WebSocket API; @connections at ${cloud.webSocket?.managementUrl})
  Cognito      ${cloud.cognitoEndpoint}   user pool ${cloud.userPool.userPoolId}, client ${cloud.userPool.userPoolClientId}
  DynamoDB     ${cloud.dynamodbEndpoint}
  EventBridge  ${cloud.eventBus ? `bus ${cloud.eventBus.name} at ${cloud.eventBus.eventBridge.endpoint} (chat events; PutEvents only)` : 'none'}
  Local CA     ${path.relative(rootDir, cloud.appsync.caFile)}   (NODE_EXTRA_CA_CERTS=${path.relative(rootDir, cloud.appsync.caFile)} for Node apps)
  Outputs      ${path.relative(rootDir, outputsFile)}
  Demo users   ${demoUsers.map((u) => `${u.email} / ${u.password}`).join('    ')}   (both in the public lobby)
Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    void cloud.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`wavechat: ${(error as Error).message}`);
  process.exit(1);
});
