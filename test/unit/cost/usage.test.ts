import { strict as assert } from 'node:assert';
import {
  addToTotals,
  addUsage,
  isFlexRS,
  mergeTotals,
  NO_USAGE,
  parseUsageKey,
  totalUsage,
  usageKey,
} from '../../../src/cost/usage.js';

const ONE = { ...NO_USAGE, vcpuSeconds: 10, memoryMbSeconds: 100, shuffleGb: 0.5 };

describe('cost: usage arithmetic', () => {
  it('addUsage adds field by field, a missing field counting 0', () => {
    assert.deepEqual(addUsage(ONE, { vcpuSeconds: 5 }), { ...ONE, vcpuSeconds: 15 });
  });

  it('keys a pricing class by location, with /flexrs for FlexRS, and parses it back', () => {
    assert.equal(usageKey('europe-west4', false), 'europe-west4');
    assert.equal(usageKey('europe-west4', true), 'europe-west4/flexrs');
    assert.deepEqual(parseUsageKey('europe-west4/flexrs'), {
      location: 'europe-west4',
      flexrs: true,
    });
    assert.deepEqual(parseUsageKey('us-east1'), { location: 'us-east1', flexrs: false });
  });

  it('totals add within a class and keep classes apart; merge and total them', () => {
    const a = addToTotals(addToTotals(undefined, 'us-east1', ONE), 'us-east1', ONE);
    assert.deepEqual(a, { 'us-east1': addUsage(ONE, ONE) });
    const b = addToTotals(undefined, 'us-east1/flexrs', ONE);
    const merged = mergeTotals(a, b);
    assert.deepEqual(Object.keys(merged).sort(), ['us-east1', 'us-east1/flexrs']);
    assert.deepEqual(totalUsage(merged), addUsage(addUsage(ONE, ONE), ONE));
    assert.deepEqual(totalUsage(undefined), NO_USAGE);
    assert.deepEqual(mergeTotals(undefined, undefined), {});
  });

  it('FlexRS is flexrsGoal FLEXRS_COST_OPTIMIZED in the launch environment, nothing else', () => {
    assert.equal(isFlexRS({ flexrsGoal: 'FLEXRS_COST_OPTIMIZED' }), true);
    assert.equal(isFlexRS({ flexrsGoal: 'FLEXRS_SPEED_OPTIMIZED' }), false);
    assert.equal(isFlexRS({ flexResourceSchedulingGoal: 'FLEXRS_COST_OPTIMIZED' }), false);
    assert.equal(isFlexRS(undefined), false);
  });
});
