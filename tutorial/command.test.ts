import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitCommand, substitute } from './command.ts';

describe('tutorial commands', () => {
  it('splits on blanks and keeps quoted words whole, quotes removed', () => {
    assert.deepEqual(splitCommand('kubectl get pt  -n demo'), ['kubectl', 'get', 'pt', '-n', 'demo']);
    assert.deepEqual(splitCommand(`kubectl get x -o 'jsonpath={range .a[*]}{.b}{"\\t"}{end}'`), [
      'kubectl',
      'get',
      'x',
      '-o',
      'jsonpath={range .a[*]}{.b}{"\\t"}{end}',
    ]);
    assert.deepEqual(splitCommand(`a "b c"d ''`), ['a', 'b cd', '']);
  });

  it('refuses an unclosed quote', () => {
    assert.throws(() => splitCommand("kubectl get 'x"), /unclosed ' in/);
  });

  it('fills in $NAMES from earlier steps and says which one is missing', () => {
    assert.equal(substitute('kubectl logs $POD -c $CONTAINER', { POD: 'p-1', CONTAINER: 'toe-perf-1' }), 'kubectl logs p-1 -c toe-perf-1');
    assert.equal(substitute('jsonpath={.a}', {}), 'jsonpath={.a}');
    assert.throws(() => substitute('kubectl logs $POD', {}), /needs \$POD/);
  });
});
