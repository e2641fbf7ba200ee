/** Logging and start-up progress for the local cloud's services. Services import only the `LocalLogger` type. */
export { silentLogger, type LocalLogger, type LogLevel } from './logger.js';
export { createConsoleLogger, parseLogLevel, LOG_LEVELS, type ConsoleLoggerOptions } from './console.js';
export {
  createProgressDisplay,
  silentProgress,
  type Progress,
  type ProgressDisplay,
  type ProgressDisplayOptions,
} from './progress.js';
export { describeCaller, summariseOperation, summariseQuery, type OperationSummary } from './graphql.js';
export { withRealtimeLogging } from './realtime.js';
export { withBatchLogging } from './streams.js';
