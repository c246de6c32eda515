import { strict as assert } from 'node:assert';
import type { Chain } from '../../../src/chain/types.js';
import { chainFacts, renderFacts } from '../../../src/deploy/chain-facts.js';

/** A chain of `pubsub:publish…` Tasks with these Parameters, one in a Parallel branch. */
function chain(name: string, parameters: readonly unknown[]): Chain {
  const task = (Parameters: unknown, i: number) => ({
    Type: 'Task',
    Resource: i % 2 === 0 ? 'pubsub:publish' : 'pubsub:publish.waitForTaskToken',
    Parameters,
    End: true,
  });
  const [first, ...rest] = parameters;
  const States: Record<string, unknown> = { First: task(first, 0) };
  rest.forEach((p, i) => {
    States[`Fan${i}`] = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Inner', States: { Inner: task(p, i + 1) } }],
      End: true,
    };
  });
  return {
    name,
    file: `${name}.json`,
    definition: { StartAt: 'First', States } as unknown as Chain['definition'],
  };
}

describe('deploy facts: pubsub:publish topics', () => {
  const facts = chainFacts([
    chain('zeta', [
      { topic: 'reconcile-requests', data: {} },
      { topic: 'projects/other-proj/topics/team-notices' },
      { 'topic.$': '$.where' },
    ]),
    chain('alpha', [{ topic: 'reconcile-requests' }, { topic: 'bad topic name' }]),
  ]);

  it('lists each fixed topic once, as written, and not the events topic unless named', () => {
    assert.deepEqual(facts.publishTopics, [
      'projects/other-proj/topics/team-notices',
      'reconcile-requests',
    ]);
  });

  it('lists the Tasks whose topic is computed at run time by their place', () => {
    assert.deepEqual(facts.computedPublishTopics, ['zeta: States.Fan1.Branches[0].States.Inner']);
  });

  it('a publish Task adds no Dataflow fact (region, bucket, worker account)', () => {
    assert.deepEqual(
      [facts.regions, facts.templateBuckets, facts.defaultServiceAccountTasks],
      [[], [], []],
    );
  });

  it('prints publish-topic and computed-publish-topic lines', () => {
    assert.deepEqual(renderFacts(facts), [
      'publish-topic projects/other-proj/topics/team-notices',
      'publish-topic reconcile-requests',
      'computed-publish-topic zeta: States.Fan1.Branches[0].States.Inner',
    ]);
  });
});
