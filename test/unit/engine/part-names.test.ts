import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { RUN_ID_PATTERN } from '../../../src/events/command.js';
import {
  PART_KEY_PATTERN,
  PART_SEPARATOR,
  groupOf,
  itemScopeOf,
  partDocId,
  partKey,
  spawnStillWanted,
} from '../../../src/engine/part-names.js';
import type { Children, Frame, Part } from '../../../src/engine/run.js';

const T0 = '2026-11-22T10:00:00.000Z';

/** The frame of a Map `Each` at the top, waiting on its items. */
function mapFrame(children: Partial<Children> = {}, fields: Partial<Frame> = {}): Frame {
  return {
    state: 'Each',
    input: {},
    enteredTime: T0,
    visit: 0,
    attempt: 0,
    wait: 'children',
    children: {
      total: 5,
      started: 3,
      running: 3,
      failed: 0,
      outputs: {},
      parts: true,
      ...children,
    },
    ...fields,
  };
}

/** Item `index` of the Map `Each` at the top (first visit, first attempt). */
function item(index: number, fields: Partial<Part> = {}): Part {
  const scope = `Each[${index}]`;
  return {
    root: 'r1',
    key: partKey(scope),
    scope,
    parent: '',
    parentDoc: 'r1',
    index,
    group: 'r1|Each@0',
    route: [{ state: 'Each', index }],
    ...fields,
  };
}

describe('engine: the names of Map item parts', () => {
  describe('partKey', () => {
    it('is 20 lowercase hex digits: label-safe, and fixed for a scope path', () => {
      for (const scope of ['Each[0]', 'Fan[1]/Each@2[3]', 'Ünïcode Map#4[9]', '']) {
        assert.match(partKey(scope), /^[0-9a-f]{20}$/);
        assert.match(partKey(scope), PART_KEY_PATTERN);
        assert.equal(partKey(scope), partKey(scope));
      }
      // Stored documents are named by it: a change would orphan every running part.
      assert.equal(partKey('Each[0]'), 'd9c377b3e0c8892a72da');
    });

    it('differs for another item, attempt, visit or parent', () => {
      const scopes = ['Each[0]', 'Each[1]', 'Each@1[0]', 'Each#1[0]', 'Fan[0]/Each[0]', 'Each[10]'];
      assert.equal(new Set(scopes.map(partKey)).size, scopes.length);
    });
  });

  describe('partDocId', () => {
    it("a part's document is `{runId}.{key}`", () => {
      assert.equal(PART_SEPARATOR, '.');
      assert.equal(partDocId('r1', 'd9c377b3e0c8892a72da'), 'r1.d9c377b3e0c8892a72da');
    });

    it('no part id is a run id, and each starts with its run id and the separator', () => {
      fc.assert(
        fc.property(fc.stringMatching(RUN_ID_PATTERN), fc.string(), (runId, scope) => {
          const doc = partDocId(runId, partKey(scope));
          assert.equal(RUN_ID_PATTERN.test(doc), false);
          assert.equal(doc.slice(0, runId.length + 1), `${runId}${PART_SEPARATOR}`);
          assert.equal(doc.slice(runId.length + 1), partKey(scope));
        }),
      );
    });
  });

  describe('itemScopeOf', () => {
    it("names the item under the Map's entry and attempt", () => {
      assert.equal(itemScopeOf('', mapFrame(), 3), 'Each[3]');
      assert.equal(itemScopeOf('', mapFrame({}, { visit: 1 }), 3), 'Each#1[3]');
      assert.equal(itemScopeOf('', mapFrame({}, { attempt: 2 }), 3), 'Each@2[3]');
      assert.equal(itemScopeOf('Fan[1]', mapFrame(), 0), 'Fan[1]/Each[0]');
    });
  });

  describe('groupOf', () => {
    it("names the Map entry: the Map's document, scope, state, visit and attempt", () => {
      assert.equal(groupOf('r1', '', mapFrame()), 'r1|Each@0');
      assert.equal(groupOf('r1', '', mapFrame({}, { visit: 2 })), 'r1|Each#2@0');
      assert.equal(groupOf('r1', '', mapFrame({}, { attempt: 3 })), 'r1|Each@3');
      assert.equal(groupOf('r1', 'Fan[1]', mapFrame()), 'r1|Fan[1]/Each@0');
      const doc = partDocId('r1', partKey('Outer[0]'));
      assert.equal(groupOf(doc, 'Outer[0]', mapFrame()), `${doc}|Outer[0]/Each@0`);
    });

    it('differs for every other document, scope, state, visit or attempt; not for progress', () => {
      const groups = [
        groupOf('r1', '', mapFrame()),
        groupOf('r2', '', mapFrame()),
        groupOf('r1', 'Fan[0]', mapFrame()),
        groupOf('r1', '', mapFrame({}, { state: 'Other' })),
        groupOf('r1', '', mapFrame({}, { visit: 1 })),
        groupOf('r1', '', mapFrame({}, { attempt: 1 })),
        groupOf(partDocId('r1', partKey('Each[0]')), '', mapFrame()),
      ];
      assert.equal(new Set(groups).size, groups.length);
      // The entry's items share it however far the Map has come.
      const later = mapFrame({ started: 5, failed: 2, failedItems: [1, 3] }, { input: { x: 1 } });
      assert.equal(groupOf('r1', '', later), groupOf('r1', '', mapFrame()));
    });
  });

  describe('spawnStillWanted', () => {
    it('true while the Map waits on its items: any item of its entry and attempt', () => {
      for (const index of [0, 1, 2, 3, 4])
        assert.equal(spawnStillWanted(mapFrame(), item(index)), true, `item ${index}`);
      // Lanes: an item that ended, failed or has not started yet is still the Map's (a
      // successor is created by its predecessor's end; a repeated spawn finds it there).
      assert.equal(spawnStillWanted(mapFrame({ failed: 1, failedItems: [1] }), item(1)), true);
      assert.equal(spawnStillWanted(mapFrame({ started: 1 }), item(4)), true);
    });

    it('false for an index past the last item', () => {
      assert.equal(spawnStillWanted(mapFrame({ total: 5 }), item(5)), false);
      assert.equal(spawnStillWanted(mapFrame({ total: 1 }), item(1)), false);
      assert.equal(spawnStillWanted(mapFrame({ total: 1 }), item(0)), true);
    });

    it('false when the Map is gone or no longer waits on its items', () => {
      assert.equal(spawnStillWanted(undefined, item(0)), false);
      for (const wait of ['job', 'timer', 'retry', 'next'] as const)
        assert.equal(spawnStillWanted(mapFrame({}, { wait }), item(0)), false, wait);
      const { children: _children, ...noChildren } = mapFrame();
      assert.equal(spawnStillWanted(noChildren, item(0)), false);
    });

    it('false for an item of another entry, attempt or Map', () => {
      const wanted = item(0);
      assert.equal(spawnStillWanted(mapFrame({}, { attempt: 1 }), wanted), false, 'retried Map');
      assert.equal(spawnStillWanted(mapFrame({}, { visit: 1 }), wanted), false, 'Map re-entered');
      assert.equal(spawnStillWanted(mapFrame({}, { state: 'Other' }), wanted), false);
      assert.equal(spawnStillWanted(mapFrame(), { ...wanted, scope: 'Each@1[0]' }), false);
      assert.equal(spawnStillWanted(mapFrame(), { ...wanted, parent: 'Fan[0]' }), false);
      assert.equal(spawnStillWanted(mapFrame(), { ...wanted, index: 1 }), false, 'index ≠ scope');
      const retried = item(0, { scope: 'Each@1[0]', key: partKey('Each@1[0]') });
      assert.equal(spawnStillWanted(mapFrame({}, { attempt: 1 }), retried), true);
    });
  });
});
