/**
 * Logs, metrics and traces of the WebSocket and stream functions, through Powertools for AWS Lambda. The service
 * name and metrics namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE when they are set
 * as the module loads (infra/ sets them), else from the defaults here: a function run in-process may get its
 * environment only once it is invoked, after these objects exist.
 */
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'wavechat-websocket';
const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE || 'wavechat';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace, serviceName });
export const tracer = new Tracer({ serviceName });

/** Counts one occurrence (or `count`) of something the dashboards follow. */
export function countMetric(name: string, count = 1): void {
  metrics.addMetric(name, MetricUnit.Count, count);
}

/**
 * Wraps a handler with the Powertools routine: Lambda context in every log line, a cold-start metric, a traced
 * subsegment with the response or error, and the invocation's metrics flushed at the end.
 *
 * @example
 * ```ts
 * export const handler = instrumented('websocketDisconnect', async (event: unknown) => {
 *   countMetric('ConnectionsClosed');
 *   return { statusCode: 200 };
 * });
 * ```
 */
export function instrumented<E, R>(
  name: string,
  handler: (event: E, context: Context) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.addContext(context);
    metrics.captureColdStartMetric(name);
    const segment = tracer.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${name}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      const result = await handler(event, context);
      tracer.addResponseAsMetadata(result, name);
      return result;
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
