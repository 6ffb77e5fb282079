import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kubeChainCleanup, splitArgs } from './iptables.ts';

const filter = `-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N KUBE-FIREWALL
-N KUBE-KUBELET-CANARY
-N OTHER
-A INPUT -j KUBE-FIREWALL
-A OUTPUT -j KUBE-FIREWALL
-A INPUT -s 10.0.0.0/8 -j OTHER
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -j DROP
`;

describe('iptables cleanup', () => {
  it('removes the jumps into KUBE-* chains, then flushes and deletes them, and leaves other rules', () => {
    assert.deepEqual(kubeChainCleanup(filter), [
      ['-D', 'INPUT', '-j', 'KUBE-FIREWALL'],
      ['-D', 'OUTPUT', '-j', 'KUBE-FIREWALL'],
      ['-F', 'KUBE-FIREWALL'],
      ['-F', 'KUBE-KUBELET-CANARY'],
      ['-X', 'KUBE-FIREWALL'],
      ['-X', 'KUBE-KUBELET-CANARY'],
    ]);
  });
  it('does nothing on a table without KUBE-* chains', () => {
    assert.deepEqual(kubeChainCleanup('-P INPUT ACCEPT\n-A INPUT -j ACCEPT\n'), []);
  });
  it('keeps quoted comments as one argument', () => {
    assert.deepEqual(splitArgs('-m comment --comment "a \\"b\\" c" -j DROP'), ['-m', 'comment', '--comment', 'a "b" c', '-j', 'DROP']);
  });
});
