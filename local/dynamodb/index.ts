/**
 * Amazon DynamoDB Local for the local cloud: launch it on 127.0.0.1 only (`startDynamoDbLocal`), talk to it
 * (`createDynamoDbClient`) and create the app's tables (`createTables`). The jar is fetched into the per-user cache by
 * `install.mjs` (npm `postinstall`), which also compiles the loopback shim `LoopbackDynamoDbLocal.java` there.
 *
 * @example
 * ```ts
 * import { createDynamoDbClient, createTables, startDynamoDbLocal } from './local/dynamodb/index.js';
 *
 * const dynamoDb = await startDynamoDbLocal({ dataDir: '.wavechat/dynamodb' }); // omit dataDir for in-memory
 * const client = createDynamoDbClient(dynamoDb.endpoint);
 * await createTables(client, tables);
 * // … later
 * client.destroy();
 * await dynamoDb.stop();
 * ```
 */
export { createDynamoDbClient, LOCAL_REGION } from './client.js';
export {
  DynamoDbLocalNotInstalledError,
  DynamoDbLocalStartError,
  JavaNotFoundError,
  PortInUseError,
  TableDefinitionError,
} from './errors.js';
export {
  startDynamoDbLocal,
  type DynamoDbLocal,
  type DynamoDbLocalExit,
  type DynamoDbLocalOptions,
} from './launcher.js';
export { createTables } from './tables.js';
