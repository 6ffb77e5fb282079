import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Anonymiser } from './anonymise.ts';
import type { Evidence } from './types.ts';

const ev = (id: string, subject: Evidence['subject']): Evidence => ({ id, kind: 'k', source: 'pod', summary: '', subject, data: {} });

describe('Anonymiser', () => {
  const evidence = [
    ev('ev-oom-web-7f9-abc-app', { namespace: 'shop', pod: 'web-7f9-abc', container: 'app', node: 'node-a.example.internal' }),
    ev('ev-oom-api-1-app', { namespace: 'shop', pod: 'api-1', container: 'app' }),
    ev('ev-event-scaled-deployment-web', { namespace: 'shop', object: 'Deployment/web' }),
  ];
  const a = new Anonymiser(evidence);

  it('numbers names in sorted order, the same for the same input', () => {
    assert.equal(a.hide('pod api-1 and pod web-7f9-abc'), 'pod pod-1 and pod pod-2');
    assert.equal(new Anonymiser([...evidence].reverse()).hide('api-1 web-7f9-abc'), 'pod-1 pod-2');
  });

  it("replaces whole names only, including kubelet's pod_namespace form", () => {
    assert.equal(a.hide('pod=web-7f9-abc_shop(123) app-server app'), 'pod=pod-2_ns-1(123) app-server container-1');
    assert.equal(a.hide('on node-a.example.internal.'), 'on node-1.');
    assert.equal(a.hide('Deployment/web scaled'), 'Deployment/object-1 scaled');
  });

  it('reveals what it hid, and leaves other text alone', () => {
    const text = 'pod=web-7f9-abc_shop app on node-a.example.internal, pod-10 untouched';
    assert.equal(a.reveal(a.hide(text)), text);
    assert.equal(a.reveal('pod-10 and pod-1'), 'pod-10 and api-1');
  });

  it('rewrites ids segment by segment, never the ev prefix', () => {
    assert.equal(a.hideId('ev-oom-web-7f9-abc-app'), 'ev-oom-pod-2-container-1');
    assert.equal(a.hideId('ev-oom-api-1-app'), 'ev-oom-pod-1-container-1');
    assert.equal(a.hideId('ev-event-scaled-deployment-web'), 'ev-event-scaled-deployment-object-1');
    assert.equal(new Anonymiser([ev('ev-x', { container: 'ev' })]).hideId('ev-x-ev'), 'ev-x-container-1');
  });
});
