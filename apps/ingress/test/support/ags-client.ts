import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { AgsEventName } from '@goals/domain';
import { service as healthService } from 'grpc-health-check';
import { loadAgsProtocol } from '../../src/protocol/ags-protocol.js';

/** How a call ended, as the caller (AGS) sees it. */
export type CallResult = { ok: true } | { ok: false; code: number; details: string };

const protocol = loadAgsProtocol();

/**
 * A real gRPC client of the two Extend event-handler services, as AGS calls
 * them: `/<service>/OnMessage` with the message encoded from the same proto
 * files (or with bytes encoded by hand, see `sendRaw`).
 */
export class AgsClient {
  readonly #client: Client;

  constructor(address: string) {
    this.#client = new Client(address, credentials.createInsecure());
  }

  send(kind: AgsEventName, message: object, deadlineMs = 20_000): Promise<CallResult> {
    const method = methodOf(kind);
    return this.#call(method.path, (value: object) => method.requestSerialize(value), message, deadlineMs);
  }

  /** Sends bytes as they are: the field numbers are the test's, not the proto files'. */
  sendRaw(kind: AgsEventName, bytes: Buffer, deadlineMs = 20_000): Promise<CallResult> {
    return this.#call(methodOf(kind).path, (value: Buffer) => value, bytes, deadlineMs);
  }

  /** grpc.health.v1.Health/Check of one service ('' = the server). */
  health(serviceName: string): Promise<string> {
    const check = healthService.Check;
    if (check === undefined) throw new Error('grpc-health-check has no Check method');
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        check.path,
        (value: object) => check.requestSerialize(value),
        (bytes: Buffer) => check.responseDeserialize(bytes) as { status?: string },
        { service: serviceName },
        new Metadata(),
        { deadline: Date.now() + 10_000 },
        (error: ServiceError | null, response?: { status?: string }) => (error === null ? resolve(response?.status ?? 'UNKNOWN') : reject(error)),
      );
    });
  }

  close(): void {
    this.#client.close();
  }

  #call<T>(path: string, serialize: (value: T) => Buffer, value: T, deadlineMs: number): Promise<CallResult> {
    return new Promise((resolve) => {
      this.#client.makeUnaryRequest(path, serialize, (bytes: Buffer) => bytes, value, new Metadata(), { deadline: Date.now() + deadlineMs }, (error: ServiceError | null) => {
        resolve(error === null ? { ok: true } : { ok: false, code: error.code, details: error.details });
      });
    });
  }
}

function methodOf(kind: AgsEventName) {
  const found = protocol.services.find((s) => s.kind === kind);
  const method = found?.definition.OnMessage;
  if (method === undefined) throw new Error(`no OnMessage for ${kind}`);
  return method;
}
