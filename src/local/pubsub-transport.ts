import { PubSub } from '@google-cloud/pubsub';
import { DeliveryLedger } from './deliveries.js';
import { startPushRelay, type PushRelay } from './push-relay.js';
import { pushPath, type Transport } from './transport.js';

/**
 * The real path: a topic on the Pub/Sub emulator with a push subscription to the function, as
 * Eventarc sets up in the cloud. The emulator redelivers whatever the function does not ack.
 * With `countDeliveries`, pushes pass through a local relay that records each push and its
 * acknowledgement (the emulator does not report them); off by default, since the relay adds a
 * hop to what the bench measures.
 */
export async function pubsubTransport(
  emulatorHost: string,
  projectId: string,
  topicName: string,
  functionUrl: string,
  { countDeliveries = false }: { readonly countDeliveries?: boolean } = {},
): Promise<Transport> {
  const deliveries = countDeliveries ? new DeliveryLedger() : undefined;
  const relay: PushRelay | undefined = deliveries
    ? await startPushRelay(functionUrl, deliveries)
    : undefined;
  const pubsub = new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true });
  try {
    const [topic] = await pubsub.createTopic(topicName);
    await topic.createSubscription(`${topicName}-push`, {
      pushConfig: { pushEndpoint: `${relay?.url ?? functionUrl}${pushPath(projectId, topicName)}` },
      ackDeadlineSeconds: 600,
    });
    return {
      kind: 'pubsub-emulator',
      publish: (data, attributes) =>
        topic.publishMessage({ data, ...(attributes ? { attributes: { ...attributes } } : {}) }),
      ...(deliveries ? { deliveries } : {}),
      stop: async () => {
        await pubsub.close();
        await relay?.stop();
      },
    };
  } catch (error) {
    await relay?.stop();
    throw error;
  }
}
