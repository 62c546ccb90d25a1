import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EventStreamError } from './event-stream-error.js';

export interface NatsConnectionOptions {
  /** Comma-separated or an array: `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Client name shown in the server's connection list. */
  name: string;
  /** How long the first connect may take (default 5 s). */
  timeoutMs?: number;
}

/**
 * Connects, or fails with NATS_UNREACHABLE. After the first connect the client
 * reconnects forever (a NATS restart must not end a long-running worker or a
 * publish of a big file): `maxReconnectAttempts: -1`.
 */
export async function connectToNats(options: NatsConnectionOptions): Promise<NatsConnection> {
  const servers = typeof options.servers === 'string' ? options.servers.split(',').map((s) => s.trim()).filter((s) => s !== '') : options.servers;
  try {
    return await connect({
      servers,
      name: options.name,
      timeout: options.timeoutMs ?? 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (error) {
    throw new EventStreamError('NATS_UNREACHABLE', `cannot connect to NATS at ${servers.join(', ')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
