/** A description infra/ cannot deploy fails at synth time, naming what is wrong, instead of at deploy time. */
import { describe, expect, it } from 'vitest';
import { WebSocketApiDefinitionError } from '../../local/apigateway-websocket/errors.js';
import { CodeCompileError } from '../../local/appsync/runtime/index.js';
import { compileApiCode } from '../../infra/compile.js';
import { DuplicateNameError, UnknownNameError, UnsupportedDefinitionError } from '../../infra/errors.js';
import { ChatStack, createChatStack, type ChatAppDescription } from '../../infra/stack.js';
import * as fixture from './fixtures/app.js';
import { ROOT_DIR, testApp, unacknowledgedNagFindings } from './helpers.js';

const apiCode = await compileApiCode(fixture.chatApi, ROOT_DIR);
const build = (app: ChatAppDescription) => () =>
  new ChatStack(testApp({ bundle: false }), 'Broken', { app, rootDir: ROOT_DIR, apiCode });
const connect = fixture.chatFunctions.find((f) => f.name === 'connect');

describe('description errors', () => {
  it('names a route whose function the description lacks', () => {
    const app = {
      ...fixture,
      chatWebSocketApi: { ...fixture.chatWebSocketApi, routes: [{ routeKey: '$connect', function: 'ghost' }] },
    };
    expect(build(app)).toThrow(UnknownNameError);
    expect(build(app)).toThrow('route $connect names the function "ghost"');
  });

  it('names an environment reference to a table the description lacks', () => {
    const app = {
      ...fixture,
      chatFunctions: fixture.chatFunctions.map((f) => (f === connect ? { ...f, environment: { TABLE: { tableName: 'Ghosts' } } } : f)),
    };
    expect(build(app)).toThrow('variable TABLE of function connect names the table "Ghosts"');
  });

  it('refuses websocketManagementUrl in an app without a WebSocket API', () => {
    const app = {
      chatApi: fixture.chatApi,
      chatFunctions: [{ name: 'lonely', entry: connect!.entry, environment: { URL: { output: 'websocketManagementUrl' as const } } }],
    };
    expect(build(app)).toThrow(UnknownNameError);
  });

  it('refuses an authorizer without a $connect route, and invalid routes as the local API Gateway does', () => {
    const withoutConnect = {
      ...fixture,
      chatWebSocketApi: { ...fixture.chatWebSocketApi, routes: [{ routeKey: '$default', function: 'message' }] },
    };
    expect(build(withoutConnect)).toThrow(UnsupportedDefinitionError);
    const badRoute = {
      ...fixture,
      chatWebSocketApi: { ...fixture.chatWebSocketApi, routes: [{ routeKey: '$custom', function: 'message' }] },
    };
    expect(build(badRoute)).toThrow(WebSocketApiDefinitionError);
  });

  it('leaves a WebSocket API without authorizer to fail cdk-nag (APIG4) rather than deploy it open', () => {
    const { authorizer: _none, ...open } = fixture.chatWebSocketApi;
    const stack = build({ ...fixture, chatWebSocketApi: open })();
    const findings = unacknowledgedNagFindings(stack).filter((finding) => finding.startsWith('AwsSolutions-APIG4 '));
    expect(findings.map((finding) => finding.replace(/^.* at Broken\/WebSocketApi\/Api\//, '')).sort()).toEqual([
      '$connect-Route/Resource',
      '$default-Route/Resource',
      '$disconnect-Route/Resource',
      'sendmessage-Route/Resource',
    ]);
  });

  it('refuses auth modes the description cannot configure', () => {
    const app = {
      ...fixture,
      chatApi: { ...fixture.chatApi, authorization: { defaultMode: 'OPENID_CONNECT' as const } },
    };
    expect(build(app)).toThrow(UnsupportedDefinitionError);
  });

  it('names a resolver for a field the schema lacks', () => {
    const app = {
      ...fixture,
      chatApi: {
        ...fixture.chatApi,
        resolvers: [{ ...fixture.chatApi.resolvers[0]!, typeName: 'Query', fieldName: 'ghost' }],
      },
    };
    expect(build(app)).toThrow('names the schema field "Query.ghost"');
  });

  it('refuses a function named like a Lambda data source', () => {
    const app = { ...fixture, chatFunctions: [...fixture.chatFunctions, { name: 'Echo', entry: connect!.entry }] };
    expect(build(app)).toThrow(DuplicateNameError);
  });

  it('refuses a stream consumer of a table without a stream', () => {
    const table = { ...fixture.notesTable, stream: undefined };
    const app = {
      ...fixture,
      chatApi: {
        ...fixture.chatApi,
        dataSources: fixture.chatApi.dataSources.map((source) =>
          source.type === 'AMAZON_DYNAMODB' ? { ...source, table } : source,
        ),
      },
    };
    expect(build(app)).toThrow('has no stream');
  });

  it('fails createChatStack with the compiler error of a resolver file that does not build', async () => {
    const app = {
      chatApi: {
        ...fixture.chatApi,
        resolvers: [{ ...fixture.chatApi.resolvers[0]!, code: 'test/infra/fixtures/resolvers/missing.ts' }],
      },
    };
    await expect(createChatStack(testApp({ bundle: false }), 'Broken', { app, rootDir: ROOT_DIR })).rejects.toThrow(
      CodeCompileError,
    );
  });
});
