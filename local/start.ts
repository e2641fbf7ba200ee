/**
 * `npm start`: runs the local cloud for the chat API with data kept under `.wavechat/`, writes
 * `amplify_outputs.json`, serves the web page, and stops everything on Ctrl-C. Shows each start-up step (a spinner
 * on a terminal, plain lines otherwise), then one log line per request.
 *
 * Options: --reset (wipe the state first), --appsync-port N, --websocket-port N, --cognito-port N,
 * --dynamodb-port N, --web-port N (or WAVECHAT_APPSYNC_PORT, WAVECHAT_WEBSOCKET_PORT, WAVECHAT_COGNITO_PORT,
 * WAVECHAT_DYNAMODB_PORT, WAVECHAT_WEB_PORT; 0 picks a free port), --state-dir DIR (default .wavechat/),
 * --outputs FILE (default amplify_outputs.json), --log-level debug|info|warn|error (or WAVECHAT_LOG_LEVEL;
 * default info; debug adds one line per delivered event and the Lambda functions' own output).
 */
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seedDemoData } from '../clients/demo/seed.js';
import { WebPagePortInUseError } from '../clients/web/errors.js';
import { startWebPage } from '../clients/web/serve.js';
import { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../lambdas/app.js';
import { chatApi } from '../resolvers/api.js';
import { startLocalCloud } from './cloud.js';
import { createConsoleLogger, createProgressDisplay, LOG_LEVELS, parseLogLevel } from './logging/index.js';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    'state-dir': { type: 'string', default: path.join(rootDir, '.wavechat') },
    outputs: { type: 'string', default: path.join(rootDir, 'amplify_outputs.json') },
    'appsync-port': { type: 'string', default: process.env.WAVECHAT_APPSYNC_PORT ?? '4000' },
    'websocket-port': { type: 'string', default: process.env.WAVECHAT_WEBSOCKET_PORT ?? '4001' },
    'web-port': { type: 'string', default: process.env.WAVECHAT_WEB_PORT ?? '4002' },
    'cognito-port': { type: 'string', default: process.env.WAVECHAT_COGNITO_PORT ?? '9229' },
    'dynamodb-port': { type: 'string', default: process.env.WAVECHAT_DYNAMODB_PORT ?? '8000' },
    'log-level': { type: 'string', default: process.env.WAVECHAT_LOG_LEVEL ?? 'info' },
  },
});

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--${name} must be a port number (0-65535), got "${value}"`);
  }
  return n;
}

/** Where every service listens: none is given another host. */
const SERVICE_HOST = '127.0.0.1';

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(new Error(`port ${port}: ${error.message}`)),
    );
    probe.listen({ port, host: SERVICE_HOST, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Fails at once, naming each option, when a fixed port is taken or asked for twice: otherwise the clash would
 * surface only once DynamoDB Local and cognito-local had started, seconds later.
 */
async function checkPorts(ports: Readonly<Record<string, number>>): Promise<void> {
  const fixed = Object.entries(ports).filter(([, port]) => port !== 0);
  const problems: string[] = [];
  for (const [index, [name, port]] of fixed.entries()) {
    const other = fixed.slice(0, index).find(([, earlier]) => earlier === port);
    if (other) problems.push(`--${other[0]}-port and --${name}-port both ask for port ${port}`);
  }
  const free = await Promise.all(fixed.map(([, port]) => isPortFree(port)));
  fixed.forEach(([name, port], index) => {
    if (!free[index]) problems.push(`--${name}-port ${port}: port ${port} on ${SERVICE_HOST} is already in use`);
  });
  if (problems.length > 0) {
    throw new Error(`${problems.join('; ')}. Choose other ports, or 0 for free ones.`);
  }
}

const stateDir = path.resolve(values['state-dir']);
const outputsFile = path.resolve(values.outputs);
const cacheDir = path.join(rootDir, 'node_modules', '.cache', 'wavechat');

async function main(): Promise<void> {
  const started = Date.now();
  // The SDK's notice that Node 20 support ends in 2027: versions are pinned, so it tells a user nothing to do.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const logLevel = parseLogLevel(values['log-level']);
  if (!logLevel) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${values['log-level']}"`);
  const ports = {
    appsync: port('appsync-port', values['appsync-port']),
    websocket: port('websocket-port', values['websocket-port']),
    cognito: port('cognito-port', values['cognito-port']),
    dynamodb: port('dynamodb-port', values['dynamodb-port']),
  };
  const webPort = port('web-port', values['web-port']);
  await checkPorts({ ...ports, web: webPort });
  const logger = createConsoleLogger({ level: logLevel });
  if (values.reset) {
    await rm(stateDir, { recursive: true, force: true });
    console.log(`Wiped ${path.relative(rootDir, stateDir)}/`);
  }
  console.log('Starting the wavechat local cloud…');
  const progress = createProgressDisplay();
  const cloud = await startLocalCloud({
    api: chatApi,
    functions: chatFunctions,
    webSocketApi: chatWebSocketApi,
    streamConsumers: chatStreamConsumers,
    rootDir,
    stateDir,
    ports,
    logger,
    progress,
  });
  const stops: (() => Promise<void>)[] = [() => cloud.stop()];
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    void (async () => {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  let demoUsers: Awaited<ReturnType<typeof seedDemoData>>;
  let webPage: Awaited<ReturnType<typeof startWebPage>> | null;
  try {
    await writeFile(outputsFile, `${JSON.stringify(cloud.outputs, null, 2)}\n`);
    demoUsers = await progress.step('Creating the demo users and the lobby', () => seedDemoData(cloud, stateDir));
    webPage = await progress
      .step('Building and serving the web page', () =>
        startWebPage({ port: webPort, outputs: cloud.outputs, cacheDir: path.join(cacheDir, 'web') }),
      )
      .catch((error: unknown) => {
        // A taken port is the user's to fix; a page that fails to build leaves the APIs usable.
        if (error instanceof WebPagePortInUseError) throw error;
        logger.error({ err: error }, 'The web page is unavailable');
        return null;
      });
  } catch (error) {
    progress.close();
    await cloud.stop();
    throw error;
  }
  const page = webPage;
  if (page) stops.push(() => page.close());
  progress.close();

  const caFile = path.relative(rootDir, cloud.appsync.caFile);
  console.log(`
wavechat local cloud ready in ${((Date.now() - started) / 1000).toFixed(1)} s
  Web page     ${webPage ? `${webPage.url}   (chat in your browser as a demo user)` : 'unavailable (see the error above)'}${
    webPage?.httpsUrl ? `\n               ${webPage.httpsUrl}   (if the local CA is not trusted: accept the warning once)` : ''
  }
  GraphQL IDE  ${cloud.appsync.graphqlUrl}   (open in a browser; sign in as a demo user)
  GraphQL      ${cloud.appsync.graphqlUrl}   (https:// on the same port)
  Real-time    ${cloud.appsync.realtimeUrl}
  WebSocket    ${cloud.webSocket?.url}?token=<Cognito token>   (raw WebSocket API; @connections at ${cloud.webSocket?.managementUrl})
  Cognito      ${cloud.cognitoEndpoint}   user pool ${cloud.userPool.userPoolId}, client ${cloud.userPool.userPoolClientId}
  DynamoDB     ${cloud.dynamodbEndpoint}
  EventBridge  ${cloud.eventBus ? `bus ${cloud.eventBus.name} at ${cloud.eventBus.eventBridge.endpoint} (chat events; PutEvents only)` : 'none'}
  Local CA     ${caFile}   (NODE_EXTRA_CA_CERTS=${caFile} for Node apps)
  Outputs      ${path.relative(rootDir, outputsFile)}
  Logs         ${logLevel}   (--log-level debug adds every delivered event and the functions' own output)
  Demo users   ${demoUsers.map((u) => `${u.email} / ${u.password}`).join('    ')}   (both in the public lobby)
Press Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error(`wavechat: ${(error as Error).message}`);
  process.exit(1);
});
