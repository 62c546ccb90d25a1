export { sleep, type SleepOptions } from './sleep.js';
export { backoffDelayMs, type BackoffPolicy } from './backoff.js';
export { retryWithBackoff, type RetryWithBackoffOptions } from './retry-with-backoff.js';
export { poll, type PollOptions } from './poll.js';
export { findFreePort } from './free-port.js';
export { ShutdownSignals, SECOND_SIGNAL_EXIT_CODE, SHUTDOWN_DEADLINE_EXIT_CODE, type ShutdownLog, type ShutdownSignalsOptions } from './shutdown-signals.js';
export { ObservabilityServer, DEFAULT_HTTP_TIMEOUTS, type Readiness, type HttpTimeouts, type MetricsRegistry } from './observability-server.js';
