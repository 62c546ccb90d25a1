import { EVENT_STREAM_NAME } from '@goals/event-stream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

export interface StoredMessage {
  sequence: number;
  subject: string;
  msgId: string | undefined;
  body: string;
}

/** Every message of the event stream, read back from the server (not from the ingress). */
export async function readStream(connection: NatsConnection): Promise<StoredMessage[]> {
  const jsm = await jetstreamManager(connection);
  const { state } = await jsm.streams.info(EVENT_STREAM_NAME);
  const messages: StoredMessage[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(EVENT_STREAM_NAME, { seq });
    if (message === null) continue;
    messages.push({ sequence: message.seq, subject: message.subject, msgId: message.header.get('Nats-Msg-Id') || undefined, body: message.string() });
  }
  return messages;
}
