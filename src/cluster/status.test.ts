import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatStatus } from './status.ts';

describe('formatStatus', () => {
  it('says a stopped cluster is stopped and where its kubeconfig would be', () => {
    assert.match(formatStatus({ phase: 'stopped', kubeconfig: '/s/kubeconfig', components: [] }), /^cluster: stopped\nkubeconfig: \/s\/kubeconfig/);
  });
  it('lists each component with its PID, state and log, and the versions', () => {
    const text = formatStatus({
      phase: 'degraded', mode: 'node', kubernetesVersion: 'v1.34.4', corednsVersion: 'v1.12.1', startedAt: '2026-01-01T00:00:00Z',
      kubeconfig: '/s/kubeconfig',
      components: [
        { name: 'etcd', pid: 10, running: true, log: '/s/logs/etcd.log' },
        { name: 'kubelet', pid: 11, running: false, log: '/s/logs/kubelet.log' },
      ],
    });
    assert.match(text, /^cluster: degraded \(single node\)/);
    assert.match(text, /kubernetes: v1\.34\.4 {3}coredns: v1\.12\.1/);
    assert.match(text, /^etcd +10 +running +\/s\/logs\/etcd\.log$/m);
    assert.match(text, /^kubelet +11 +exited +\/s\/logs\/kubelet\.log$/m);
  });
});
