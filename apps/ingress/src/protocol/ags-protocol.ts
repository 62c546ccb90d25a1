import { fileURLToPath } from 'node:url';
import type { AgsEventName } from '@goals/domain';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';

/** `proto/` of this app: the AGS event-handler protocol, written from AGS's published field lists. */
export const PROTO_DIRECTORY = fileURLToPath(new URL('../../proto', import.meta.url));

export const PROTO_FILES = ['accelbyte/iam/account/v1/account.proto', 'accelbyte/social/statistic/v1/statistic.proto'] as const;

/** One Extend event-handler service: AGS calls `/<service>/OnMessage` once per event. */
export interface AgsEventService {
  /** What the method implies: the event kind, so the message needs no `name`. */
  kind: AgsEventName;
  /** Fully qualified service name, as in the health service and the method path. */
  serviceName: string;
  definition: ServiceDefinition;
}

export interface AgsProtocol {
  packageDefinition: PackageDefinition;
  services: readonly AgsEventService[];
}

const SERVICES: ReadonlyArray<{ kind: AgsEventName; serviceName: string }> = [
  { kind: 'userLoggedIn', serviceName: 'accelbyte.iam.account.v1.UserAuthenticationUserLoggedInService' },
  { kind: 'statItemUpdated', serviceName: 'accelbyte.social.statistic.v1.StatisticStatItemUpdatedService' },
];

/**
 * Loads the protocol. Messages decode to plain objects with AGS's JSON field
 * names (`userId`, `latestValue`), int64 as strings, and no defaults filled
 * in, so what arrives is the proto3 JSON the domain parser reads.
 */
export function loadAgsProtocol(): AgsProtocol {
  const packageDefinition = loadSync([...PROTO_FILES], { includeDirs: [PROTO_DIRECTORY], keepCase: false, longs: String, enums: String, defaults: false, oneofs: true });
  const services = SERVICES.map(({ kind, serviceName }) => {
    const definition = packageDefinition[serviceName];
    if (definition === undefined || !('OnMessage' in definition)) throw new Error(`proto/ does not declare ${serviceName}/OnMessage`);
    return { kind, serviceName, definition: definition as ServiceDefinition };
  });
  return { packageDefinition, services };
}
