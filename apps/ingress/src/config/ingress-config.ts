import { z } from 'zod';

/**
 * Ingress settings: environment variables, overridden by CLI flags, validated
 * once here. The defaults follow AccelByte Extend's conventions (gRPC on
 * 6565, metrics on 8080, `AB_NAMESPACE` naming the deployment's namespace).
 *
 * | flag | env | default |
 * | --- | --- | --- |
 * | --grpc-host <address> | GOALS_INGRESS_GRPC_HOST | 0.0.0.0 |
 * | --grpc-port <n> (0 = any free port, logged) | GOALS_INGRESS_GRPC_PORT | 6565 |
 * | --metrics-host <address> | GOALS_INGRESS_METRICS_HOST | 0.0.0.0 |
 * | --metrics-port <n> (0 = any free port, logged) | GOALS_INGRESS_METRICS_PORT | 8080 |
 * | --nats-servers <urls> | NATS_URL | nats://127.0.0.1:4222 |
 * | --partitions <P> | GOALS_PARTITIONS | the stream's (creates the stream when given and missing) |
 * | --namespace <ns> | GOALS_NAMESPACE, else AB_NAMESPACE | none: every namespace |
 * | --max-in-flight <n> | GOALS_INGRESS_MAX_IN_FLIGHT | 1024 |
 * | --ack-timeout-ms <n> | GOALS_INGRESS_ACK_TIMEOUT_MS | 2000 |
 * | --publish-attempts <n> | GOALS_INGRESS_PUBLISH_ATTEMPTS | 2 |
 * | --shutdown-deadline-ms <n> | GOALS_SHUTDOWN_DEADLINE_MS | 10000 |
 * | --log-level <level> | GOALS_LOG_LEVEL | info |
 */
const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

export const ingressConfigSchema = z.object({
  grpcHost: z.string().min(1).default('0.0.0.0'),
  grpcPort: port.default(6565),
  metricsHost: z.string().min(1).default('0.0.0.0'),
  metricsPort: port.default(8080),
  natsServers: z.string().min(1).default('nats://127.0.0.1:4222'),
  partitions: z.coerce.number().int().min(1).max(1024).optional(),
  namespace: z.string().min(1).max(100).optional(),
  maxInFlight: positiveInt.max(1_000_000).default(1024),
  // AGS retries an unanswered event; a short bound turns a stuck publish into UNAVAILABLE (a retry) quickly
  ackTimeoutMs: positiveInt.default(2_000),
  publishAttempts: positiveInt.max(10).default(2),
  shutdownDeadlineMs: positiveInt.default(10_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type IngressConfig = z.infer<typeof ingressConfigSchema>;

const ENVIRONMENT: Record<keyof IngressConfig, readonly string[]> = {
  grpcHost: ['GOALS_INGRESS_GRPC_HOST'],
  grpcPort: ['GOALS_INGRESS_GRPC_PORT'],
  metricsHost: ['GOALS_INGRESS_METRICS_HOST'],
  metricsPort: ['GOALS_INGRESS_METRICS_PORT'],
  natsServers: ['NATS_URL'],
  partitions: ['GOALS_PARTITIONS'],
  namespace: ['GOALS_NAMESPACE', 'AB_NAMESPACE'],
  maxInFlight: ['GOALS_INGRESS_MAX_IN_FLIGHT'],
  ackTimeoutMs: ['GOALS_INGRESS_ACK_TIMEOUT_MS'],
  publishAttempts: ['GOALS_INGRESS_PUBLISH_ATTEMPTS'],
  shutdownDeadlineMs: ['GOALS_SHUTDOWN_DEADLINE_MS'],
  logLevel: ['GOALS_LOG_LEVEL'],
};

/** Invalid settings, one line per problem naming the flag and the variable (exit code 2). */
export class IngressConfigError extends Error {
  readonly code = 'INGRESS_CONFIG_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`invalid ingress configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'IngressConfigError';
  }
}

/** Flags win over the environment; empty environment values count as unset. */
export function resolveIngressConfig(flags: Partial<Record<keyof IngressConfig, unknown>>, env: NodeJS.ProcessEnv = process.env): IngressConfig {
  const merged: Record<string, unknown> = {};
  for (const [key, variables] of Object.entries(ENVIRONMENT) as [keyof IngressConfig, readonly string[]][]) {
    const fromEnv = variables.map((name) => env[name]).find((value) => value !== undefined && value !== '');
    const value = flags[key] ?? fromEnv;
    if (value !== undefined) merged[key] = value;
  }
  const parsed = ingressConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new IngressConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const variables = ENVIRONMENT[key as keyof IngressConfig] as readonly string[] | undefined;
        return variables === undefined ? issue.message : `${key} (--${kebab(key)} / ${variables.join(' or ')}): ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
