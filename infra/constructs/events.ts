/**
 * The app's EventBridge bus: the stream handler publishes chat events onto it so other consumers (moderation,
 * analytics, notifications) subscribe with rules instead of reading the table's stream.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The `source` of every chat event. */
export const CHAT_EVENT_SOURCE = 'wavechat.chat';

/** The `detail-type`s the stream handler publishes. */
export const CHAT_EVENT_TYPES = ['MessagePosted', 'MessageEdited', 'MessageDeleted', 'MemberJoined', 'MemberLeft'] as const;

export interface ChatEventsProps {
  /** @default {@link CHAT_EVENT_SOURCE} */
  readonly source?: string;
}

/**
 * The bus, plus an example rule: posted and edited messages go to a moderation queue (with its own dead-letter
 * queue) that a moderation worker would drain.
 *
 * @example
 * ```ts
 * const chatEvents = new ChatEvents(stack, 'Events');
 * chatEvents.bus.grantPutEventsTo(streamHandler);
 * ```
 */
export class ChatEvents extends Construct {
  readonly bus: events.EventBus;
  readonly moderationRule: events.Rule;
  readonly moderationQueue: sqs.Queue;
  readonly moderationDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ChatEventsProps = {}) {
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
      eventPattern: { source: [props.source ?? CHAT_EVENT_SOURCE], detailType: ['MessagePosted', 'MessageEdited'] },
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
