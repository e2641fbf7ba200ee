/**
 * The CDK app (`npm run synth`, `npm run deploy`): the chat stack, checked by cdk-nag's AwsSolutions rules on
 * every synth (a finding that is neither fixed nor acknowledged with a reason fails the synth).
 *
 * Context (`-c key=value` or cdk.json): `wavechat:stackName` (default Wavechat), `wavechat:alarmEmail`,
 * `wavechat:domainPrefix` (hosted sign-in domain), `wavechat:callbackUrls` (comma-separated OAuth redirect URLs),
 * `wavechat:reservedConcurrency` (a cap on every function's simultaneous executions), `wavechat:sendRateLimit` and
 * `wavechat:sendRateWindowSeconds` (messages per user per window; `infra/send-rate.ts`). Every other knob is a prop
 * of `createChatStack`, set below.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { chatApiWith } from '../../resolvers/api.js';
import * as description from '../app-description.js';
import { InvalidContextError } from '../errors.js';
import { sendRateLimitFromContext } from '../send-rate.js';
import { createChatStack } from '../stack.js';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const webBuildDir = path.join(rootDir, 'clients/web/dist');

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(`wavechat:${key}`);
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const callbackUrls = context('callbackUrls')?.split(',').map((url) => url.trim());
const reservedConcurrency = context('reservedConcurrency');
if (reservedConcurrency !== undefined && !/^[1-9]\d*$/.test(reservedConcurrency)) {
  throw new InvalidContextError('reservedConcurrency', reservedConcurrency, 'a positive integer');
}

await createChatStack(app, context('stackName') ?? 'Wavechat', {
  description: 'wavechat: real-time chat on AppSync, API Gateway WebSocket and DynamoDB',
  app: { ...description, chatApi: chatApiWith(sendRateLimitFromContext(context)) },
  rootDir,
  auth: { domainPrefix: context('domainPrefix'), callbackUrls },
  functions: { capacity: { reservedConcurrency: reservedConcurrency === undefined ? undefined : Number(reservedConcurrency) } },
  web: existsSync(path.join(webBuildDir, 'index.html')) ? { buildDir: webBuildDir } : undefined,
  observability: { alarmEmail: context('alarmEmail') },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
