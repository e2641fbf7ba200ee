/**
 * The app's EventBridge bus: the chatEventPublisher stream consumer (lambdas/stream/publish-events.ts) publishes
 * chat events onto it, so other consumers (moderation, analytics, notifications) subscribe with rules instead of
 * reading the table's stream. Source, detail-types and detail shapes: lambdas/shared/chat-events.ts.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CHAT_EVENT_SOURCE, type ChatEventType } from '../../lambdas/shared/chat-events.js';

/** What the example moderation rule forwards. */
const MODERATED_EVENT_TYPES: readonly ChatEventType[] = ['MessagePosted', 'MessageEdited'];

/**
 * The bus, plus an example rule: posted and edited messages go to a moderation queue (with its own dead-letter
 * queue) that a moderation worker would drain.
 *
 * @example
 * ```ts
 * const chatEvents = new ChatEvents(stack, 'Events');
 * chatEvents.bus.grantPutEventsTo(eventPublisher);
 * ```
 */
export class ChatEvents extends Construct {
  readonly bus: events.EventBus;
  readonly moderationRule: events.Rule;
  readonly moderationQueue: sqs.Queue;
  readonly moderationDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { description: 'wavechat chat events (messages and memberships)' });

    const queueProps = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    } satisfies sqs.QueueProps;
    this.moderationDeadLetterQueue = new sqs.Queue(this, 'ModerationDeadLetterQueue', {
      ...queueProps,
      retentionPeriod: Duration.days(14),
    });
    this.moderationQueue = new sqs.Queue(this, 'ModerationQueue', {
      ...queueProps,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.moderationDeadLetterQueue, maxReceiveCount: 5 },
    });

    this.moderationRule = new events.Rule(this, 'ModerationRule', {
      eventBus: this.bus,
      description: 'Example consumer: new and edited messages to the moderation queue',
      eventPattern: { source: [CHAT_EVENT_SOURCE], detailType: [...MODERATED_EVENT_TYPES] },
      targets: [
        new targets.SqsQueue(this.moderationQueue, {
          deadLetterQueue: this.moderationDeadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
  }
}
