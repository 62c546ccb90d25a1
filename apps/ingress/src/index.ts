export { startIngress, type RunningIngress, type StartIngressOptions } from './run-ingress.js';
export { resolveIngressConfig, ingressConfigSchema, IngressConfigError, type IngressConfig } from './config/ingress-config.js';
export { EventIngressServer, type EventIngressOptions } from './grpc/event-ingress-server.js';
export { IngressMetrics, type CallOutcome } from './observability/metrics.js';
export { loadAgsProtocol, PROTO_DIRECTORY, PROTO_FILES, type AgsProtocol, type AgsEventService } from './protocol/ags-protocol.js';
