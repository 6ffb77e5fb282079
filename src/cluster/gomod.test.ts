import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildGoMod, stagingModules, stagingVersion, toolsGo, versionLdflags } from './gomod.ts';

const upstream = `module k8s.io/kubernetes

go 1.24.0

godebug default=go1.24

require (
\tk8s.io/api v0.0.0
\tk8s.io/client-go v0.0.0
)

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
\tgithub.com/example/forked => github.com/example/forked v1.2.3
)

replace k8s.io/kubelet => ./staging/src/k8s.io/kubelet
`;

describe('gomod', () => {
  it('reads the staging replacements from the go.mod, and only those', () => {
    assert.deepEqual(stagingModules(upstream), ['k8s.io/api', 'k8s.io/client-go', 'k8s.io/kubelet']);
  });
  it('maps v1.MINOR.PATCH to v0.MINOR.PATCH', () => {
    assert.equal(stagingVersion('v1.34.4'), 'v0.34.4');
    for (const bad of ['1.34.4', 'v2.0.0', 'v1.34', 'v1.34.4-rc.0']) assert.throws(() => stagingVersion(bad), bad);
  });
  it('writes a main module that pins every staging module to the published version and keeps godebug', () => {
    const mod = buildGoMod('v1.34.4', upstream);
    assert.match(mod, /^require k8s\.io\/kubernetes v1\.34\.4$/m);
    assert.match(mod, /^\tk8s\.io\/api => k8s\.io\/api v0\.34\.4$/m);
    assert.match(mod, /^\tk8s\.io\/kubelet => k8s\.io\/kubelet v0\.34\.4$/m);
    assert.match(mod, /^go 1\.24\.0$/m);
    assert.match(mod, /^godebug default=go1\.24$/m);
    assert.doesNotMatch(mod, /forked|\.\/staging/);
  });
  it('refuses a go.mod without staging replacements', () => {
    assert.throws(() => buildGoMod('v1.34.4', 'module x\n'), /no staging/);
  });
  it('imports the commands in a tools file', () => {
    assert.match(
      toolsGo(['k8s.io/kubernetes/cmd/kubelet']),
      /^\/\/go:build tools\n\npackage tools\n\nimport \(\n\t_ "k8s\.io\/kubernetes\/cmd\/kubelet"\n\)/,
    );
  });
  it('stamps the version into component-base and client-go', () => {
    const flags = versionLdflags('v1.34.4', '2026-01-01T00:00:00Z');
    assert.ok(flags.includes('-X k8s.io/component-base/version.gitVersion=v1.34.4'));
    assert.ok(flags.includes('-X k8s.io/client-go/pkg/version.gitMinor=34'));
    assert.ok(flags.includes('-X k8s.io/component-base/version.gitTreeState=clean'));
  });
});
