export { findNatsServerBinary, natsServerForTests, NATS_SERVER_MISSING } from './nats-server-binary.js';
export { startPrivateNatsServer, type PrivateNatsServer, type PrivateNatsServerOptions } from './private-nats-server.js';
