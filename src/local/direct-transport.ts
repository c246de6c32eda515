import { DeliveryLedger } from './deliveries.js';
import { pushPath, type Transport } from './transport.js';

const REDELIVERY_MS = 1000;

/**
 * Without the Pub/Sub emulator: posts the exact push body Pub/Sub would, and redelivers about
 * every second until the function acknowledges (2xx), as the emulator does.
 */
export function directTransport(
  projectId: string,
  topicName: string,
  functionUrl: string,
): Transport {
  let next = 0;
  let stopped = false;
  const pending = new Set<NodeJS.Timeout>();
  const deliveries = new DeliveryLedger();
  const url = `${functionUrl}${pushPath(projectId, topicName)}`;

  const deliver = async (messageId: string, body: string): Promise<void> => {
    if (stopped) return;
    let status: number | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      // A connection error is a nack, as with Pub/Sub.
    }
    deliveries.record(messageId, status);
    const acked = status !== undefined && status >= 200 && status < 300;
    if (acked || stopped) return;
    const timer = setTimeout(() => {
      pending.delete(timer);
      void deliver(messageId, body);
    }, REDELIVERY_MS);
    pending.add(timer);
  };

  return {
    kind: 'direct-push',
    deliveries,
    publish(data, attributes = {}) {
      const messageId = String(++next);
      const body = JSON.stringify({
        message: {
          data: data.toString('base64'),
          messageId,
          publishTime: new Date().toISOString(),
          attributes,
        },
        subscription: `projects/${projectId}/subscriptions/${topicName}-push`,
      });
      void deliver(messageId, body);
      return Promise.resolve(messageId);
    },
    stop() {
      stopped = true;
      for (const timer of pending) clearTimeout(timer);
      return Promise.resolve();
    },
  };
}
