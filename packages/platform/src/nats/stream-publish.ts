import { headers, type NatsConnection, nuid } from '@nats-io/transport-node';

/**
 * Where JetStream publish acks come back: a prefix of their own, so a process that only publishes to streams
 * may subscribe to its acks without seeing every request's reply (`_INBOX.>` belongs to RPC callers).
 */
export const STREAM_ACK_PREFIX = '_JSACK';

/**
 * Publishes to a JetStream stream and waits for its ack (the stream stored it, or already had this msg id:
 * dedup within the stream's window). Rejects on no stream, no NATS, or no ack within `timeoutMs`.
 */
export async function publishToStream(connection: NatsConnection, subject: string, payload: Uint8Array, msgId: string, timeoutMs: number): Promise<void> {
  const hdrs = headers();
  hdrs.set('Nats-Msg-Id', msgId);
  const reply = await connection.request(subject, payload, { timeout: timeoutMs, headers: hdrs, noMux: true, reply: `${STREAM_ACK_PREFIX}.${nuid.next()}` });
  const ack = reply.json<{ error?: { description?: string } }>();
  if (ack.error) throw new Error(`stream refused ${subject}: ${ack.error.description ?? 'error'}`);
}
