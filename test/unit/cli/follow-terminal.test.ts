import { strict as assert } from 'node:assert';
import { LiveArea, paint, spinnerFrame, styleFor } from '../../../src/cli/follow-terminal.js';

describe('follow-terminal: colour, spinner and redraws', () => {
  it('decorates only a terminal, never with --json or NO_COLOR', () => {
    assert.deepEqual(styleFor(true, false, {}), { redraw: true, color: true, spinner: true });
    assert.deepEqual(styleFor(false, false, {}), { redraw: false, color: false, spinner: false });
    assert.deepEqual(styleFor(true, true, {}), { redraw: false, color: false, spinner: false });
    assert.deepEqual(styleFor(true, false, { NO_COLOR: '1' }), {
      redraw: true,
      color: false,
      spinner: false,
    });
    // no-color.org: an empty NO_COLOR does not count.
    assert.equal(styleFor(true, false, { NO_COLOR: '' }).color, true);
  });

  it('paints a status in its colour only when colour is on', () => {
    const on = styleFor(true, false, {});
    const off = styleFor(false, false, {});
    assert.equal(paint('ok', 'SUCCEEDED', on), '\x1b[32mok\x1b[0m');
    assert.equal(paint('no', 'FAILED', on), '\x1b[31mno\x1b[0m');
    assert.equal(paint('ok', 'SUCCEEDED', off), 'ok');
    assert.equal(paint('x', undefined, on), 'x');
    assert.equal(spinnerFrame(on, 11), '⠙ ');
    assert.equal(spinnerFrame(off, 11), '');
  });

  it('redraws its live lines in place, counting wrapped rows, under lines printed for good', () => {
    const written: string[] = [];
    const area = new LiveArea({ write: (t) => written.push(t), columns: () => 10 });
    area.show(['12345678901', 'ab']);
    area.print(['event'], ['live']);
    area.erase();
    assert.deepEqual(written, [
      '12345678901\nab\n',
      // 11 characters in 10 columns take two rows, plus one.
      '\x1b[3A\x1b[0J',
      'event\n',
      'live\n',
      '\x1b[1A\x1b[0J',
    ]);
  });
});
