import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import {
  stopAllGroups,
  stopProcessGroup,
  trackGroup,
  trackedGroups,
} from '../../../src/local/process-group.js';

function alive(pgid: number): boolean {
  const rows = execFileSync('ps', ['-eo', 'pgid=,stat=']).toString().trim().split('\n');
  return rows.some((row) => {
    const [group, stat = ''] = row.trim().split(/\s+/);
    return Number(group) === pgid && !stat.startsWith('Z');
  });
}

async function until(condition: () => boolean, withinMs = 5000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

/** A detached `sh` whose `sleep` stays in its group: `exitFirst` makes the leader leave at once. */
function group(exitFirst: boolean) {
  const script = exitFirst ? 'sleep 300 & exit 0' : 'sleep 300 & wait';
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  assert.ok(child.pid);
  return { child, pgid: child.pid };
}

describe('local: process groups', () => {
  it('stopProcessGroup sweeps the group even when its leader exited first (the emulator Java outliving gcloud)', async () => {
    const { child, pgid } = group(true);
    trackGroup(child);
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(alive(pgid), 'the sleep outlived its leader');
    await stopProcessGroup(child);
    assert.ok(await until(() => !alive(pgid)), 'the group is gone');
    assert.ok(!trackedGroups().includes(pgid));
  });

  it('stopAllGroups stops every tracked group, running or half-abandoned, and forgets them', async () => {
    const a = group(false);
    const b = group(true);
    trackGroup(a.child);
    trackGroup(b.child);
    assert.ok(trackedGroups().includes(a.pgid) && trackedGroups().includes(b.pgid));
    await stopAllGroups(2000);
    assert.ok(await until(() => !alive(a.pgid) && !alive(b.pgid)), 'both groups are gone');
    assert.deepEqual(trackedGroups(), []);
  });
});
