/**
 * Runs lambdas/app.ts's functions against a local cloud the way the composer will: each function's environment
 * references resolved to this cloud's values, plus the region, the local backend principal's credentials and the
 * DynamoDB Local endpoint, and each call made through local/lambda's in-process invoker (JSON copies, context,
 * timeout, environment set while it runs).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalCloud } from '../../../local/cloud.js';
import { LOCAL_REGION } from '../../../local/dynamodb/index.js';
import type { EnvironmentValue, LambdaFunctionDefinition } from '../../../local/lambda/description.js';
import { invokeLambda, type LambdaHandler } from '../../../local/lambda/invoke.js';
import { chatFunctions } from '../../../lambdas/app.js';
import { ROOT_DIR } from '../../support/cloud.js';

export interface FunctionRunner {
  /** Invokes the function named in lambdas/app.ts; rejects with LambdaHandlerError when the handler throws. */
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** The resolved environment of a function (what the composer must give it). */
  environmentOf(functionName: string): Record<string, string>;
}

export function functionRunner(cloud: LocalCloud, managementUrl: string): FunctionRunner {
  const outputs: Record<string, string> = {
    graphqlUrl: cloud.appsync.graphqlUrl,
    websocketManagementUrl: managementUrl,
    userPoolId: cloud.userPool.userPoolId,
    userPoolClientId: cloud.userPool.userPoolClientId,
    userPoolIssuer: cloud.userPool.issuer,
  };
  const resolve = (value: EnvironmentValue): string => {
    if (typeof value === 'string') return value;
    if ('tableName' in value) return value.tableName;
    const resolved = outputs[value.output];
    if (resolved === undefined) throw new Error(`The test cloud has no output ${value.output}`);
    return resolved;
  };
  const base = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: cloud.backendPrincipal.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cloud.backendPrincipal.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: cloud.dynamodbEndpoint,
  };
  const definitionOf = (functionName: string): LambdaFunctionDefinition => {
    const definition = chatFunctions.find((candidate) => candidate.name === functionName);
    if (definition === undefined) throw new Error(`lambdas/app.ts defines no function ${functionName}`);
    return definition;
  };
  const environmentOf = (functionName: string) => ({
    ...base,
    ...Object.fromEntries(Object.entries(definitionOf(functionName).environment ?? {}).map(([name, value]) => [name, resolve(value)])),
  });
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const handlerOf = (definition: LambdaFunctionDefinition) => {
    let handler = handlers.get(definition.name);
    if (handler === undefined) {
      handler = import(pathToFileURL(path.join(ROOT_DIR, definition.entry)).href).then(
        (module: Record<string, unknown>) => module[definition.handler ?? 'handler'] as LambdaHandler,
      );
      handlers.set(definition.name, handler);
    }
    return handler;
  };
  return {
    environmentOf,
    async invoke(functionName, event) {
      const definition = definitionOf(functionName);
      return invokeLambda(await handlerOf(definition), event, {
        functionName,
        region: LOCAL_REGION,
        timeoutMs: (definition.timeoutSeconds ?? 10) * 1000,
        env: environmentOf(functionName),
      });
    },
  };
}
