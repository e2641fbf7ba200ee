/**
 * Alarms on what breaks a chat (AppSync errors and latency, Lambda errors, throttles and duration, DynamoDB
 * throttling, stream iterator age, WebSocket integration errors, failed stream batches) to an SNS topic, and a
 * dashboard of the same metrics.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ChatFunction } from './functions.js';

/** Alarm thresholds. */
export interface AlarmThresholds {
  /** p99 AppSync latency, in milliseconds, over 5 minutes. @default 1000 */
  readonly appSyncLatencyP99Ms?: number;
  /** Lambda p99 duration as a percentage of the function's timeout. @default 80 */
  readonly durationPercentOfTimeout?: number;
  /** Age of the oldest stream record a consumer has not processed yet, in seconds. @default 60 */
  readonly iteratorAgeSeconds?: number;
}

export interface ChatObservabilityProps {
  /** Dashboard name (unique in the account and region). */
  readonly dashboardName: string;
  /** Where alarm notifications are e-mailed (the address confirms the subscription once). @default none */
  readonly alarmEmail?: string;
  readonly thresholds?: AlarmThresholds;
  /** AppSync API id. */
  readonly graphqlApiId: string;
  readonly functions: readonly ChatFunction[];
  /** Tables by description name. */
  readonly tables: ReadonlyMap<string, ITable>;
  /** Functions whose iterator age is watched (stream consumers), with their on-failure queues. */
  readonly streamConsumers: readonly { readonly function: ChatFunction; readonly onFailureQueue: sqs.IQueue }[];
  /** The WebSocket API and stage, when there is one. */
  readonly webSocket?: { readonly apiId: string; readonly stageName: string };
}

const PERIOD = Duration.minutes(5);

/**
 * @example
 * ```ts
 * const observability = new ChatObservability(stack, 'Observability', {
 *   dashboardName: 'wavechat',
 *   alarmEmail: 'oncall@example.com',
 *   graphqlApiId: graphql.api.apiId,
 *   functions: [...functions.functions.values()],
 *   tables: data.tables,
 *   streamConsumers: [],
 * });
 * ```
 */
export class ChatObservability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ChatObservabilityProps) {
    super(scope, id);
    const thresholds = props.thresholds ?? {};
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'wavechat alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry metric names and states only. CloudWatch cannot publish to a topic encrypted ' +
        'with the AWS-managed aws/sns key, so encryption would need a customer-managed key ($1 a month) for nothing.',
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const alarms: cloudwatch.Alarm[] = [];
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new SnsAction(this.topic));
      created.addOkAction(new SnsAction(this.topic));
      alarms.push(created);
      return created;
    };

    const appSync = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/AppSync',
        metricName,
        dimensionsMap: { GraphQLAPIId: props.graphqlApiId },
        statistic,
        period: PERIOD,
      });
    const appSync5xx = appSync('5XXError', cloudwatch.Stats.SUM);
    const appSyncLatency = appSync('Latency', cloudwatch.Stats.p(99));
    alarm('AppSync5xx', appSync5xx, 1, 'AppSync answered with a server error (5XX)');
    alarm('AppSyncLatency', appSyncLatency, thresholds.appSyncLatencyP99Ms ?? 1000, 'AppSync p99 latency is high');

    for (const { definition, function: fn, timeout } of props.functions) {
      alarm(`${definition.name}-Errors`, fn.metricErrors({ period: PERIOD }), 1, `${definition.name} failed`);
      alarm(`${definition.name}-Throttles`, fn.metricThrottles({ period: PERIOD }), 1, `${definition.name} was throttled`);
      alarm(
        `${definition.name}-Duration`,
        fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.p(99) }),
        (timeout.toMilliseconds() * (thresholds.durationPercentOfTimeout ?? 80)) / 100,
        `${definition.name} p99 duration is close to its timeout`,
      );
    }

    const tableThrottles = [...props.tables].map(([name, table]) => {
      const metric = new cloudwatch.MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: table.metric('ReadThrottleEvents', { statistic: cloudwatch.Stats.SUM, period: PERIOD }),
          writes: table.metric('WriteThrottleEvents', { statistic: cloudwatch.Stats.SUM, period: PERIOD }),
        },
        label: `${name} throttle events`,
        period: PERIOD,
      });
      alarm(`${name}-Throttles`, metric, 1, `DynamoDB throttled reads or writes of table ${name}`);
      return metric;
    });

    const iteratorAges = props.streamConsumers.map(({ function: { definition, function: fn } }) => {
      const metric = fn.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: PERIOD });
      alarm(
        `${definition.name}-IteratorAge`,
        metric,
        (thresholds.iteratorAgeSeconds ?? 60) * 1000,
        `${definition.name} is falling behind its stream`,
      );
      return metric;
    });
    props.streamConsumers.forEach(({ function: { definition }, onFailureQueue }) =>
      alarm(
        `${definition.name}-FailedBatches`,
        onFailureQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
        1,
        `${definition.name} gave up on stream records (see its on-failure queue)`,
      ),
    );

    const webSocketMetric = (metricName: string) =>
      props.webSocket &&
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.webSocket.apiId, Stage: props.webSocket.stageName },
        statistic: cloudwatch.Stats.SUM,
        period: PERIOD,
      });
    const integrationErrors = webSocketMetric('IntegrationError');
    const messages = webSocketMetric('MessageCount');
    if (integrationErrors) alarm('WebSocketIntegrationErrors', integrationErrors, 1, 'WebSocket integrations failed');

    this.alarms = alarms;
    const functionWidget = (title: string, metric: (fn: ChatFunction) => cloudwatch.IMetric) =>
      new cloudwatch.GraphWidget({ title, width: 8, left: props.functions.map(metric) });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'AppSync 5XX', width: 8, left: [appSync5xx] }),
          new cloudwatch.GraphWidget({ title: 'AppSync latency p99 (ms)', width: 8, left: [appSyncLatency] }),
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttle events', width: 8, left: tableThrottles }),
        ],
        [
          functionWidget('Lambda errors', (fn) => fn.function.metricErrors({ period: PERIOD, label: fn.definition.name })),
          functionWidget('Lambda throttles', (fn) => fn.function.metricThrottles({ period: PERIOD, label: fn.definition.name })),
          functionWidget('Lambda duration p99 (ms)', (fn) =>
            fn.function.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.p(99), label: fn.definition.name }),
          ),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Stream iterator age (ms)', width: 8, left: iteratorAges }),
          new cloudwatch.GraphWidget({
            title: 'WebSocket messages and integration errors',
            width: 8,
            left: messages ? [messages] : [],
            right: integrationErrors ? [integrationErrors] : [],
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 8, alarms }),
        ],
      ],
    });
  }
}
