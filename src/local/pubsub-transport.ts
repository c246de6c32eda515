import { PubSub } from '@google-cloud/pubsub';
import { pushPath, type Transport } from './transport.js';

/**
 * The real path: a topic on the Pub/Sub emulator with a push subscription to the function, as
 * Eventarc sets up in the cloud. The emulator redelivers whatever the function does not ack.
 */
export async function pubsubTransport(
  emulatorHost: string,
  projectId: string,
  topicName: string,
  functionUrl: string,
): Promise<Transport> {
  const pubsub = new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true });
  const [topic] = await pubsub.createTopic(topicName);
  await topic.createSubscription(`${topicName}-push`, {
    pushConfig: { pushEndpoint: `${functionUrl}${pushPath(projectId, topicName)}` },
    ackDeadlineSeconds: 600,
  });
  return {
    kind: 'pubsub-emulator',
    publish: (data) => topic.publishMessage({ data }),
    stop: () => pubsub.close(),
  };
}
