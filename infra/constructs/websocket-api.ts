/**
 * The raw WebSocket API on API Gateway v2: the description's routes as Lambda proxy integrations, its REQUEST
 * authorizer on `$connect`, and one auto-deployed stage with throttling.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CONNECT_ROUTE, resolveDefinition } from '../../local/apigateway-websocket/definition.js';
import type { WebSocketApiDefinition } from '../../local/apigateway-websocket/description.js';
import { UnsupportedDefinitionError } from '../errors.js';

/** Steady-state and burst limits of messages (and connection attempts) per second across the stage. */
export interface StageThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export const DEFAULT_STAGE_THROTTLE: StageThrottle = { rateLimit: 500, burstLimit: 1000 };

export interface ChatWebSocketApiProps {
  /** The description (`chatWebSocketApi`); checked the way the local API Gateway checks it. */
  readonly definition: WebSocketApiDefinition;
  /** The function (its `live` alias) a route or the authorizer names. */
  readonly functionNamed: (name: string, usedBy: string) => IFunction;
  /** @default {@link DEFAULT_STAGE_THROTTLE} */
  readonly throttle?: StageThrottle;
  /**
   * Stage access logs to a log group. API Gateway writes WebSocket logs only once the account's API Gateway
   * CloudWatch role is set (a per-region account setting, outside this stack); deploying with this on before
   * that fails.
   * @default false
   */
  readonly accessLogs?: boolean;
  /** How long access logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * @example
 * ```ts
 * const ws = new ChatWebSocketApi(stack, 'WebSocketApi', {
 *   definition: chatWebSocketApi,
 *   functionNamed: (name, usedBy) => functions.get(name, usedBy).alias,
 * });
 * ws.stage.callbackUrl; // https://<api>.execute-api.<region>.amazonaws.com/prod
 * ```
 */
export class ChatWebSocketApi extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;
  readonly routes: ReadonlyMap<string, apigwv2.WebSocketRoute>;

  constructor(scope: Construct, id: string, props: ChatWebSocketApiProps) {
    super(scope, id);
    const resolved = resolveDefinition(props.definition);
    const { definition } = props;
    if (definition.authorizer && !resolved.routes.has(CONNECT_ROUTE)) {
      throw new UnsupportedDefinitionError(`WebSocket API ${definition.name}`, 'an authorizer needs a $connect route');
    }

    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      apiName: definition.name,
      routeSelectionExpression: definition.routeSelectionExpression ?? '$request.body.action',
    });

    const authorizer =
      definition.authorizer &&
      new WebSocketLambdaAuthorizer(
        'ConnectAuthorizer',
        props.functionNamed(definition.authorizer.function, `the authorizer of ${definition.name}`),
        { identitySource: [...(definition.authorizer.identitySource ?? [])] },
      );

    const routes = new Map<string, apigwv2.WebSocketRoute>();
    for (const [routeKey, functionName] of resolved.routes) {
      const integrationId = `Integration-${routeKey.replace(/^\$/, '')}`;
      routes.set(
        routeKey,
        this.api.addRoute(routeKey, {
          integration: new WebSocketLambdaIntegration(
            integrationId,
            props.functionNamed(functionName, `route ${routeKey}`),
          ),
          authorizer: routeKey === CONNECT_ROUTE ? authorizer : undefined,
        }),
      );
    }
    this.routes = routes;
    if (authorizer && (definition.authorizer?.identitySource ?? []).length === 0) {
      // No identity source means "the authorizer decides" (API Gateway answers 401 up front only for missing
      // sources); the property is optional, so leave it out rather than send an empty list.
      for (const child of this.api.node.findAll()) {
        if (child instanceof apigwv2.CfnAuthorizer) child.addPropertyDeletionOverride('IdentitySource');
      }
    }
    // Only $connect can carry an authorizer; API Gateway applies its result to the whole connection. Without an
    // authorizer nothing is acknowledged: cdk-nag's finding then stands and fails the synth.
    for (const [routeKey, route] of routes) {
      if (!authorizer || routeKey === CONNECT_ROUTE) continue;
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'WebSocket APIs authorise on $connect only; every later message of the connection already passed the ' +
          '$connect authorizer, and API Gateway rejects authorizers on other routes.',
      });
    }

    const throttle = props.throttle ?? DEFAULT_STAGE_THROTTLE;
    const accessLogGroup =
      props.accessLogs === true
        ? new logs.LogGroup(this, 'AccessLogs', {
            retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
            removalPolicy: RemovalPolicy.DESTROY,
          })
        : undefined;
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: resolved.stageName,
      autoDeploy: true,
      throttle,
      accessLogSettings: accessLogGroup && { destination: new apigwv2.LogGroupLogDestination(accessLogGroup) },
    });
    if (!accessLogGroup) {
      Validations.of(this.stage).acknowledge({
        id: 'AwsSolutions-APIG1',
        reason:
          'Access logs need the account-wide API Gateway CloudWatch role, which this stack does not own; they are ' +
          'one prop away (accessLogs). Integration errors are alarmed on from metrics meanwhile.',
      });
    }
  }

  /** `wss://<api>.execute-api.<region>.amazonaws.com/<stage>`, what clients connect to. */
  get url(): string {
    return this.stage.url;
  }

  /** The stage's `@connections` base URL, `https://…/<stage>`. */
  get managementUrl(): string {
    return this.stage.callbackUrl;
  }
}
