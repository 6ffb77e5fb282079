import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatStatus } from './status.ts';

describe('formatStatus', () => {
  it('says a stopped cluster is stopped and where its kubeconfig would be', () => {
    assert.match(
      formatStatus({ phase: 'stopped', kubeconfig: '/s/kubeconfig', components: [] }),
      /^cluster: stopped\nkubeconfig: \/s\/kubeconfig/,
    );
  });
  it('lists each component with its PID, state and log, and the versions', () => {
    const text = formatStatus({
      phase: 'degraded',
      mode: 'node',
      kubernetesVersion: 'v1.34.4',
      corednsVersion: 'v1.12.1',
      traefikVersion: 'v3.6.12',
      startedAt: '2026-01-01T00:00:00Z',
      ingress: { http: 'http://10.244.0.1:80', https: 'https://10.244.0.1:443', ingressClass: 'toe' },
      kubeconfig: '/s/kubeconfig',
      components: [
        { name: 'etcd', pid: 10, running: true, log: '/s/logs/etcd.log' },
        { name: 'kubelet', pid: 11, running: false, log: '/s/logs/kubelet.log' },
      ],
    });
    assert.match(text, /^cluster: degraded \(single node\)/);
    assert.match(text, /kubernetes: v1\.34\.4 {3}coredns: v1\.12\.1 {3}traefik: v3\.6\.12/);
    assert.match(text, /^ingress: http:\/\/10\.244\.0\.1:80 and https:\/\/10\.244\.0\.1:443 \(IngressClass toe/m);
    assert.match(text, /^etcd +10 +running +\/s\/logs\/etcd\.log$/m);
    assert.match(text, /^kubelet +11 +exited +\/s\/logs\/kubelet\.log$/m);
  });
});
