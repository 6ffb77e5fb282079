import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Namespace } from '@kubernetes/client-node';
import type { PowerToolConfig } from '../api/index.ts';
import { checkOptIn, checkPodSecurity } from './namespace.ts';
import { checkConfigs, imagesOnNodes } from './configs.ts';

const ns = (labels: Record<string, string> = {}): V1Namespace => ({ metadata: { name: 'shop', labels } });
const config = (name: string, spec: Partial<PowerToolConfig['spec']> = {}, ready = true): PowerToolConfig =>
  ({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerToolConfig',
    metadata: { name, namespace: 'toe-system' },
    spec: { tool: { name, kind: 'fault' }, image: `localhost/toe-${name}:1`, imagePullPolicy: 'Never', command: ['/x'], ...spec },
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'R', message: 'bad parameter', lastTransitionTime: '' }],
    },
  }) as unknown as PowerToolConfig;

describe('namespace opt-in', () => {
  it('fails an unlabelled namespace no tool allows, with the label command as the fix', () => {
    const f = checkOptIn(ns(), [config('cpu')]);
    assert.equal(f.severity, 'fail');
    assert.equal(f.fix, 'kubectl label namespace shop toe.dev/allow-powertools=true');
  });

  it('passes the label, or a config that lists the namespace (naming that tool)', () => {
    assert.equal(checkOptIn(ns({ 'toe.dev/allow-powertools': 'true' }), []).severity, 'ok');
    const listed = checkOptIn(ns(), [config('cpu', { allowedNamespaces: ['shop'] }), config('perf')]);
    assert.equal(listed.severity, 'ok');
    assert.match(listed.message, /cpu$/);
  });
});

describe('pod security of each tool in a namespace', () => {
  const strace = config('strace', { securityContext: { capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] } } });
  const go = config('go', { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } });
  const evict = config('pod-kill', { action: 'evict' });

  it('fails only the tools the enforced level refuses, naming level, need and fix', () => {
    const findings = checkPodSecurity(ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), [strace, go, evict]);
    assert.deepEqual(
      findings.map((f) => [f.subject, f.severity]),
      [
        ['tool strace in shop', 'fail'],
        ['tool go in shop', 'ok'],
      ],
      'an evicting tool adds no container, so pod security does not apply to it',
    );
    assert.match(findings[0]?.message ?? '', /enforces baseline, but tool strace needs privileged \(it adds SYS_PTRACE\)/);
    assert.match(findings[0]?.fix ?? '', /pod-security.kubernetes.io\/enforce=privileged --overwrite/);
  });

  it('warns about a label value that is no level', () => {
    const [f] = checkPodSecurity(ns({ 'pod-security.kubernetes.io/enforce': 'strict' }), [go]);
    assert.equal(f?.severity, 'warn');
    assert.match(f?.message ?? '', /strict is not a level/);
  });
});

describe('tool configs and their images', () => {
  const nodes = imagesOnNodes([{ status: { images: [{ names: ['localhost/toe-cpu:1', 'sha256:abc'] }] } }]);

  it('fails a config that is not Ready with its own message, and an image on no node under policy Never', () => {
    const findings = checkConfigs([config('cpu'), config('perf', {}, false), config('strace')], 'toe-system', nodes);
    assert.deepEqual(
      findings.map((f) => f.severity),
      ['ok', 'fail', 'fail'],
    );
    assert.match(findings[1]?.message ?? '', /not Ready: bad parameter/);
    assert.match(findings[2]?.message ?? '', /localhost\/toe-strace:1 is on no node and imagePullPolicy is Never/);
  });

  it('only warns, naming the registry, when the kubelet would pull the image', () => {
    const [f] = checkConfigs([config('perf', { image: 'ghcr.io/toe/perf:1', imagePullPolicy: 'IfNotPresent' })], 'toe-system', nodes);
    assert.equal(f?.severity, 'warn');
    assert.match(f?.message ?? '', /pulls it from ghcr\.io/);
  });

  it('fails when no tool is defined at all', () => {
    assert.equal(checkConfigs([], 'toe-system', nodes)[0]?.severity, 'fail');
  });
});
