import { strict as assert } from 'node:assert';
import { resultPathShape, selectShape, templateShape } from '../../../src/chain/shape-flow.js';
import {
  ANY,
  joinShapes,
  lostShape,
  objectShape,
  sameShape,
  shapeOfJson,
  STRING,
  type Shape,
} from '../../../src/chain/shape.js';

const RESULT = objectShape([['id', STRING]], true, 'the result');

function same(actual: Shape, expected: Shape): void {
  assert.ok(
    sameShape(actual, expected),
    JSON.stringify(actual, (_k, v: unknown): unknown =>
      v instanceof Map ? Object.fromEntries(v as Map<string, unknown>) : v,
    ),
  );
}

describe('shape flow', () => {
  it('ResultPath: absent or $ gives the result, null the input, a path places it', () => {
    const input = shapeOfJson({ a: { b: 1 } });
    same(resultPathShape(input, RESULT, undefined), RESULT);
    same(resultPathShape(input, RESULT, '$'), RESULT);
    same(resultPathShape(input, RESULT, null), input);
    same(
      resultPathShape(input, RESULT, '$.a.c'),
      objectShape(
        [
          [
            'a',
            objectShape(
              [
                ['b', shapeOfJson(1)],
                ['c', RESULT],
              ],
              true,
            ),
          ],
        ],
        true,
      ),
    );
    // A missing field of a closed object is created, as the engine creates it.
    same(
      resultPathShape(input, RESULT, '$.x.y'),
      objectShape(
        [
          ['a', shapeOfJson({ b: 1 })],
          ['x', objectShape([['y', RESULT]], true)],
        ],
        true,
      ),
    );
  });

  it('ResultPath: the rest of an unknown input stays unknown; a failing place is unknown', () => {
    same(resultPathShape(ANY, RESULT, '$.r'), objectShape([['r', RESULT]], false));
    same(resultPathShape(shapeOfJson({ a: 'text' }), RESULT, '$.a.b'), ANY);
    same(resultPathShape(ANY, RESULT, '$[0]'), ANY);
    same(resultPathShape(shapeOfJson([1]), RESULT, '$[0]'), { kind: 'array', items: [RESULT] });
    same(resultPathShape(ANY, RESULT, '$$.x'), ANY);
    same(resultPathShape(ANY, RESULT, 'not a path'), ANY);
  });

  it('InputPath and OutputPath select what is known, and {} for null', () => {
    same(selectShape(RESULT, '$.id'), STRING);
    same(selectShape(RESULT, '$.other'), ANY);
    same(selectShape(RESULT, '$$.Execution'), ANY);
    same(selectShape(RESULT, null), objectShape([], true));
    same(selectShape(RESULT, undefined), RESULT);
  });

  it('a template keeps its fixed fields and gives each key.$ what its expression selects', () => {
    same(
      templateShape(
        { fixed: [1, { n: null }], 'id.$': '$.id', 'f.$': "States.Format('{}', $.id)" },
        RESULT,
        'T',
      ),
      objectShape(
        [
          ['fixed', shapeOfJson([1, { n: null }])],
          ['id', STRING],
          ['f', ANY],
        ],
        true,
        'T',
      ),
    );
  });

  it('a lost value: joins keep the first reason, and ResultPath and InputPath keep it', () => {
    const task = objectShape([['id', STRING]], true, 'the result of Task T (r)');
    const pass = shapeOfJson({ a: 1 });
    assert.ok(!sameShape(lostShape('x'), ANY));
    assert.ok(!sameShape(lostShape('x'), lostShape('y')));
    same(joinShapes(undefined, task, 'why'), task);
    same(joinShapes(task, task, 'why'), task);
    same(joinShapes(pass, shapeOfJson({ b: 1 }), 'why'), ANY);
    same(joinShapes(ANY, task, 'why'), lostShape('why'));
    same(joinShapes(task, pass), ANY);
    same(joinShapes(lostShape('x'), lostShape('y'), 'why'), lostShape('x'));
    same(joinShapes(ANY, lostShape('y'), 'why'), lostShape('y'));
    same(joinShapes(lostShape('x'), task, 'why'), lostShape('x'));
    same(
      resultPathShape(lostShape('x'), RESULT, '$.r'),
      objectShape([['r', RESULT]], false, undefined, 'x'),
    );
    same(selectShape(resultPathShape(lostShape('x'), RESULT, '$.r'), '$.s'), lostShape('x'));
    same(selectShape(lostShape('x'), '$.a.b'), lostShape('x'));
  });
});
