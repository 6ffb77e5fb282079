import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { PowerToolConfig } from '../api/index.ts';
import { admits, enforcedLevel, requiredLevel } from './psa.ts';

const sample = (tool: string): PowerToolConfig =>
  parse(readFileSync(new URL(`../../samples/configs/${tool}.yaml`, import.meta.url), 'utf8')) as PowerToolConfig;

describe('the Pod Security level a tool needs', () => {
  it('is privileged for a privileged container or a capability beyond baseline, naming it', () => {
    assert.deepEqual(requiredLevel({ privileged: true }), { level: 'privileged', because: 'it runs privileged' });
    const strace = requiredLevel(sample('strace').spec.securityContext);
    assert.equal(strace.level, 'privileged');
    assert.match(strace.because, /SYS_PTRACE/);
    assert.equal(requiredLevel({ capabilities: { add: ['CAP_NET_ADMIN'] } }).level, 'privileged', 'the CAP_ prefix is the same capability');
  });

  it('is baseline for baseline capabilities or a missing restricted setting, saying which', () => {
    const kill = requiredLevel({ capabilities: { add: ['KILL'], drop: ['ALL'] }, allowPrivilegeEscalation: false, runAsNonRoot: true });
    assert.deepEqual(kill, { level: 'baseline', because: 'it adds KILL' });
    const root = requiredLevel({ capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false, runAsNonRoot: false });
    assert.deepEqual(root, { level: 'baseline', because: 'it does not set runAsNonRoot: true' });
    assert.match(requiredLevel(undefined).because, /drop ALL.*allowPrivilegeEscalation.*runAsNonRoot/);
  });

  it('is restricted for the go profiler, which asks for nothing', () => {
    assert.deepEqual(requiredLevel(sample('go').spec.securityContext), { level: 'restricted', because: '' });
  });
});

describe('a namespace level against a need', () => {
  it('admits what is at or above its level only', () => {
    assert.equal(admits('privileged', 'privileged'), true);
    assert.equal(admits('baseline', 'restricted'), true);
    assert.equal(admits('baseline', 'privileged'), false);
    assert.equal(admits('restricted', 'baseline'), false);
  });

  it('reads the enforce label, defaulting to privileged and refusing a level that does not exist', () => {
    assert.deepEqual(enforcedLevel(undefined), { level: 'privileged', labelled: false });
    assert.deepEqual(enforcedLevel({ 'pod-security.kubernetes.io/enforce': 'baseline' }), { level: 'baseline', labelled: true });
    assert.deepEqual(enforcedLevel({ 'pod-security.kubernetes.io/enforce': 'strict' }), { invalid: 'strict' });
  });
});
