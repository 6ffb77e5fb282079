import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { V1Deployment } from '@kubernetes/client-node';
import { clusterRules, operatorNamespaceRules, permissions, type Rule } from '../src/operator/rbac.ts';

const root = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(root + path, 'utf8');

/** The chart's templates with Helm expressions blanked out: enough to read the static parts (rules, names). */
function templateDocs(path: string): Record<string, unknown>[] {
  const text = read(path)
    .replace(/^\s*\{\{-?[^}]*\}\}\s*$/gm, '')
    .replace(/\{\{-?[^}]*\}\}/g, 'x');
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, unknown>)
    .filter(Boolean);
}

function rulesOf(path: string, kind: string, name: string): Rule[] {
  const doc = templateDocs(path).find((d) => d.kind === kind && (d.metadata as { name?: string } | undefined)?.name === name);
  assert.ok(doc, `${path} has no ${kind} ${name}`);
  return doc.rules as Rule[];
}

describe('the Helm chart', () => {
  it('ships the CRDs exactly as generated', () => {
    const generated = readdirSync(root + 'crds').sort();
    assert.deepEqual(readdirSync(root + 'charts/toe/crds').sort(), generated);
    for (const f of generated)
      assert.equal(read(`charts/toe/crds/${f}`), read(`crds/${f}`), `charts/toe/crds/${f} is stale: run npm run gen:crds`);
  });

  it('grants the operator exactly the cluster permissions its controllers declare', () => {
    assert.deepEqual(
      permissions(rulesOf('charts/toe/templates/clusterrole.yaml', 'ClusterRole', 'toe-operator')),
      permissions(clusterRules),
    );
  });

  it('grants the operator exactly the namespaced permissions it declares', () => {
    assert.deepEqual(permissions(rulesOf('charts/toe/templates/role.yaml', 'Role', 'toe-operator')), permissions(operatorNamespaceRules));
  });

  it('gives the collector TokenReview and nothing more', () => {
    assert.deepEqual(permissions(rulesOf('charts/toe/templates/collector.yaml', 'ClusterRole', 'toe-collector')), [
      'authentication.k8s.io/tokenreviews:create',
    ]);
  });

  // A read-only root needs a writable /tmp: Node and its libraries use os.tmpdir() (and the tsx form of the CLI, run
  // from a checkout image, cannot load a module without its compile cache there).
  it('mounts a writable /tmp in every container whose root filesystem is read-only', () => {
    const deployments = ['deployment.yaml', 'collector.yaml']
      .flatMap((f) => templateDocs(`charts/toe/templates/${f}`))
      .filter((d) => d.kind === 'Deployment') as V1Deployment[];
    assert.equal(deployments.length, 2);
    for (const d of deployments) {
      const pod = d.spec?.template.spec;
      for (const c of pod?.containers ?? []) {
        if (!c.securityContext?.readOnlyRootFilesystem) continue;
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        assert.ok(tmp && !tmp.readOnly, `${d.metadata?.name}/${c.name}: read-only root without a writable /tmp`);
        assert.ok(pod?.volumes?.find((v) => v.name === tmp.name)?.emptyDir, `${d.metadata?.name}: volume ${tmp.name} is not an emptyDir`);
      }
    }
  });
});
