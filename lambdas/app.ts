/**
 * The raw-WebSocket side of wavechat as the app describes it: its Lambda functions, the WebSocket API that routes to
 * them, and the chat table's stream consumers (pushes to sockets; chat events onto EventBridge). The local cloud
 * runs exactly this and infra/ deploys exactly this; nothing else lists these functions or routes. Design and message flow: docs/architecture.md; wire protocol:
 * docs/websocket-protocol.md.
 */
import type { WebSocketApiDefinition } from '../local/apigateway-websocket/description.js';
import type { StreamConsumerDefinition } from '../local/dynamodb-streams/description.js';
import type { EnvironmentValue, LambdaFunctionDefinition } from '../local/lambda/description.js';
import { chatTable } from '../resolvers/api.js';
import { ENVIRONMENT } from './shared/environment.js';

const CHAT_TABLE: Record<string, EnvironmentValue> = { [ENVIRONMENT.chatTable]: { tableName: chatTable.name } };
/** What every function that posts to connections needs (a GoneException deletes the connection's item). */
const CONNECTIONS: Record<string, EnvironmentValue> = {
  ...CHAT_TABLE,
  [ENVIRONMENT.managementUrl]: { output: 'websocketManagementUrl' },
};
/** What every route that calls the chat API needs. */
const BRIDGE: Record<string, EnvironmentValue> = { ...CONNECTIONS, [ENVIRONMENT.graphqlUrl]: { output: 'graphqlUrl' } };

const websocketFunction = (name: string, file: string, environment: Record<string, EnvironmentValue>): LambdaFunctionDefinition => ({
  name,
  entry: `lambdas/websocket/${file}.ts`,
  environment,
});

export const chatFunctions: readonly LambdaFunctionDefinition[] = [
  websocketFunction('websocketAuthorizer', 'authorizer', {
    [ENVIRONMENT.userPoolIssuer]: { output: 'userPoolIssuer' },
    [ENVIRONMENT.userPoolClientId]: { output: 'userPoolClientId' },
  }),
  websocketFunction('websocketConnect', 'connect', CHAT_TABLE),
  websocketFunction('websocketDisconnect', 'disconnect', CHAT_TABLE),
  websocketFunction('websocketDefault', 'default', CONNECTIONS),
  websocketFunction('websocketSendMessage', 'send-message', BRIDGE),
  websocketFunction('websocketJoinRoom', 'join-room', BRIDGE),
  websocketFunction('websocketLeaveRoom', 'leave-room', BRIDGE),
  websocketFunction('websocketTyping', 'typing', BRIDGE),
  websocketFunction('websocketHistory', 'history', BRIDGE),
  {
    name: 'chatStreamPush',
    entry: 'lambdas/stream/push-messages.ts',
    // A batch of 100 records to a busy room is many PostToConnection calls.
    timeoutSeconds: 60,
    environment: CONNECTIONS,
  },
  {
    name: 'chatEventPublisher',
    entry: 'lambdas/stream/publish-events.ts',
    // A batch of 100 records is at most 10 PutEvents calls.
    timeoutSeconds: 30,
    environment: { [ENVIRONMENT.eventBusName]: { output: 'eventBusName' } },
  },
];

export const chatWebSocketApi: WebSocketApiDefinition = {
  name: 'wavechat-websocket',
  routeSelectionExpression: '$request.body.action',
  // The token may come from the query or a subprotocol, so no single identity source is required up front.
  authorizer: { function: 'websocketAuthorizer' },
  routes: [
    { routeKey: '$connect', function: 'websocketConnect' },
    { routeKey: '$disconnect', function: 'websocketDisconnect' },
    { routeKey: '$default', function: 'websocketDefault' },
    { routeKey: 'sendmessage', function: 'websocketSendMessage' },
    { routeKey: 'joinroom', function: 'websocketJoinRoom' },
    { routeKey: 'leaveroom', function: 'websocketLeaveRoom' },
    { routeKey: 'typing', function: 'websocketTyping' },
    { routeKey: 'history', function: 'websocketHistory' },
  ],
  stageName: 'prod',
};

export const chatStreamConsumers: readonly StreamConsumerDefinition[] = [
  {
    table: chatTable.name,
    function: 'chatStreamPush',
    batchSize: 100,
    maximumBatchingWindowSeconds: 0,
    // Pushes are live: after a deployment or restart, older changes are history, which clients read on demand.
    startingPosition: 'LATEST',
    bisectBatchOnFunctionError: true,
    // A push that keeps failing is dropped after this many retries rather than blocking the shard for a day;
    // clients catch up with `history`.
    maximumRetryAttempts: 5,
    reportBatchItemFailures: true,
    // Only the item types changes.ts acts on: a send's MessageReceipt and SendRateCounter, SlowModeSend, rooms …
    // are never read here, so the mapping drops them (~2 of every 3 records a message writes). The handler takes
    // the type from NewImage, or OldImage when there is none (a REMOVE): one filter for each, ORed.
    filters: [
      { dynamodb: { NewImage: { type: { S: ['Message', 'Membership', 'Connection'] } } } },
      { dynamodb: { OldImage: { type: { S: ['Membership', 'Connection'] } } } },
    ],
  },
  {
    table: chatTable.name,
    // Its own consumer: a bus that refuses events neither delays nor repeats pushes to sockets, and vice versa.
    function: 'chatEventPublisher',
    batchSize: 100,
    maximumBatchingWindowSeconds: 0,
    // Consumers of events see every change from deployment on; older ones are in the table.
    startingPosition: 'LATEST',
    bisectBatchOnFunctionError: true,
    // Events are records for other systems: keep retrying longer than pushes (which clients can catch up on).
    maximumRetryAttempts: 20,
    reportBatchItemFailures: true,
    // Only what event-records.ts makes events of (Message and Membership items), as for chatStreamPush.
    filters: [
      { dynamodb: { NewImage: { type: { S: ['Message', 'Membership'] } } } },
      { dynamodb: { OldImage: { type: { S: ['Membership'] } } } },
    ],
  },
];
