import { launchesOf } from '../../../src/engine/transition.js';
import { strict as assert } from 'node:assert';
import {
  claimLaunch,
  isLeaseHeld,
  leaseNewIntents,
  releaseLease,
  renewLease,
} from '../../../src/engine/lease.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { T0, startDaily } from '../../fixtures/runs.js';

const LEASE_MS = 150_000;
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

function intended(owner = 'a'): { run: Run; jobName: string } {
  const transition = leaseNewIntents(startDaily(), { owner, now: T0, leaseMs: LEASE_MS });
  const jobName = launchesOf(transition)[0]?.step.jobName ?? '';
  return { run: transition.run, jobName };
}

describe('engine: launch leases', () => {
  it('gives the invocation that intends a launch its lease, in the intent itself', () => {
    const { run, jobName } = intended();
    assert.deepEqual(run.steps[jobName]?.lease, { owner: 'a', until: at(LEASE_MS), holders: 1 });
  });

  it('lets nobody else claim a held lease, and anyone claim it the moment it runs out', () => {
    const { run, jobName } = intended();
    assert.equal(
      claimLaunch(run, jobName, { owner: 'b', now: at(LEASE_MS - 1), leaseMs: LEASE_MS }).changed,
      false,
    );
    const claim = claimLaunch(run, jobName, { owner: 'b', now: at(LEASE_MS), leaseMs: LEASE_MS });
    assert.equal(claim.changed, true);
    // A second holder: every launch call it makes must follow a look-up.
    assert.deepEqual(claim.run.steps[jobName]?.lease, {
      owner: 'b',
      until: at(2 * LEASE_MS),
      holders: 2,
    });
  });

  it('counts an intent stored without a lease as held for one lease after it was written', () => {
    const { run, jobName } = intended();
    const { lease: _lease, ...bare } = run.steps[jobName]!;
    assert.equal(isLeaseHeld(bare, at(LEASE_MS - 1), LEASE_MS), true);
    assert.equal(isLeaseHeld(bare, at(LEASE_MS), LEASE_MS), false);
  });

  it("renews and releases only the holder's own lease", () => {
    const { run, jobName } = intended();
    const request = { owner: 'b', now: at(1000), leaseMs: LEASE_MS };
    assert.equal(renewLease(run, jobName, request).changed, false);
    assert.equal(releaseLease(run, jobName, request).changed, false);
    const renewed = renewLease(run, jobName, { ...request, owner: 'a' });
    assert.equal(renewed.run.steps[jobName]?.lease?.until, at(1000 + LEASE_MS));
    const released = releaseLease(run, jobName, { ...request, owner: 'a' });
    assert.equal(released.run.steps[jobName]?.lease?.until, at(1000));
    assert.equal(isLeaseHeld(released.run.steps[jobName], at(1000), LEASE_MS), false);
  });

  it('claims nothing once the step is launched or the run ended', () => {
    const { run, jobName } = intended();
    const step = run.steps[jobName]!;
    const launched = { ...run, steps: { [jobName]: { ...step, status: 'LAUNCHED' as const } } };
    const late = { owner: 'b', now: at(LEASE_MS * 2), leaseMs: LEASE_MS };
    assert.equal(claimLaunch(launched, jobName, late).changed, false);
    assert.equal(claimLaunch({ ...run, status: 'FAILED' }, jobName, late).changed, false);
  });
});

describe('engine: launch leases, the cases that change nothing', () => {
  const late = (owner: string) => ({ owner, now: at(LEASE_MS * 2), leaseMs: LEASE_MS });

  /** The intended run with its step replaced by `change(step)`, and the run's status. */
  function variant(
    change: (step: Step) => Step | undefined,
    status: Run['status'] = 'RUNNING',
  ): { run: Run; jobName: string } {
    const { run, jobName } = intended();
    const step = change(run.steps[jobName]!);
    const steps = step === undefined ? {} : { [jobName]: step };
    return { run: { ...run, status, steps }, jobName };
  }
  const launched = (step: Step): Step => ({ ...step, status: 'LAUNCHED' });
  const bare = ({ lease: _lease, ...step }: Step): Step => step;

  const cases: [string, () => { run: Run; jobName: string }, ('claim' | 'renew' | 'release')[]][] =
    [
      [
        'a step the run does not have',
        () => variant(() => undefined),
        ['claim', 'renew', 'release'],
      ],
      ['a launched step', () => variant(launched), ['claim', 'renew', 'release']],
      ['a step of an ended run', () => variant((step) => step, 'FAILED'), ['claim', 'renew']],
      ['an intent stored without a lease', () => variant(bare), ['renew', 'release']],
    ];
  for (const [name, make, operations] of cases) {
    for (const operation of operations) {
      it(`${operation} leaves ${name} unchanged`, () => {
        const { run, jobName } = make();
        const act = { claim: claimLaunch, renew: renewLease, release: releaseLease }[operation];
        assert.deepEqual(act(run, jobName, late('a')), {
          run,
          changed: false,
          effects: [],
          events: [],
          archived: [],
        });
      });
    }
  }

  it('does not count a launched step as held, even inside its lease', () => {
    const { run, jobName } = intended();
    const step = { ...run.steps[jobName]!, status: 'LAUNCHED' as const };
    assert.equal(isLeaseHeld(step, at(1), LEASE_MS), false);
  });
});

describe('engine: launch leases, what a claim, renewal and release write', () => {
  it('a claim of an intent stored without a lease makes its claimant the second holder', () => {
    const { run, jobName } = intended();
    const { lease: _lease, ...bare } = run.steps[jobName]!;
    const old = { ...run, steps: { [jobName]: bare } };
    const claim = claimLaunch(old, jobName, { owner: 'b', now: at(LEASE_MS), leaseMs: LEASE_MS });
    assert.deepEqual(claim, {
      run: {
        ...old,
        steps: {
          [jobName]: { ...bare, lease: { owner: 'b', until: at(2 * LEASE_MS), holders: 2 } },
        },
      },
      changed: true,
      effects: [],
      events: [],
      archived: [],
    });
  });

  it('counts every holder: the third claim makes a third holder', () => {
    const { run, jobName } = intended();
    const second = claimLaunch(run, jobName, { owner: 'b', now: at(LEASE_MS), leaseMs: LEASE_MS });
    const third = claimLaunch(second.run, jobName, {
      owner: 'c',
      now: at(2 * LEASE_MS),
      leaseMs: LEASE_MS,
    });
    assert.deepEqual(third.run.steps[jobName]?.lease, {
      owner: 'c',
      until: at(3 * LEASE_MS),
      holders: 3,
    });
  });

  it('a renewal moves only the end of the lease and intends, logs and archives nothing', () => {
    const { run, jobName } = intended();
    const step = run.steps[jobName]!;
    const renewed = renewLease(run, jobName, { owner: 'a', now: at(1000), leaseMs: LEASE_MS });
    assert.deepEqual(renewed, {
      run: {
        ...run,
        steps: {
          [jobName]: { ...step, lease: { owner: 'a', until: at(1000 + LEASE_MS), holders: 1 } },
        },
      },
      changed: true,
      effects: [],
      events: [],
      archived: [],
    });
  });

  it('a release ends the lease now and intends, logs and archives nothing', () => {
    const { run, jobName } = intended();
    const step = run.steps[jobName]!;
    const released = releaseLease(run, jobName, { owner: 'a', now: at(1000), leaseMs: LEASE_MS });
    assert.deepEqual(released, {
      run: {
        ...run,
        steps: { [jobName]: { ...step, lease: { owner: 'a', until: at(1000), holders: 1 } } },
      },
      changed: true,
      effects: [],
      events: [],
      archived: [],
    });
  });
});
