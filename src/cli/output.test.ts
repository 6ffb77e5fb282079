import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { step } from '../cluster/progress.ts';
import { Steps } from './output.ts';

function capture(quiet = false): { steps: Steps; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { steps: new Steps(out, quiet), text: () => text.replace(/\(\d+\.\ds\)/g, '(Ns)') };
}

describe('Steps, the console Progress', () => {
  it('prints kind-style step lines for the cluster', async () => {
    const c = capture();
    await step(c.steps, 'etcd', async () => c.steps.info('installed etcd-server'));
    await assert.rejects(c.steps.run('kubelet', () => Promise.reject(new Error('x'))));
    c.steps.warn('tool images: broken');
    assert.equal(c.text(), ' • etcd ...\n   installed etcd-server\n ✓ etcd (Ns)\n • kubelet ...\n ✗ kubelet\n ! tool images: broken\n');
  });
  it('keeps only failures and warnings when quiet', async () => {
    const c = capture(true);
    await step(c.steps, 'etcd', async () => c.steps.info('detail'));
    await assert.rejects(step(c.steps, 'kubelet', () => Promise.reject(new Error('x'))));
    c.steps.warn('w');
    assert.equal(c.text(), ' ✗ kubelet\n ! w\n');
  });
});
