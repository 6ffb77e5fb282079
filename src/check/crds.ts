import { isDeepStrictEqual } from 'node:util';
import { CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { kinds, type KindName } from '../api/index.ts';
import { customResourceDefinition } from '../api/crd.ts';
import { classify } from '../kube/errors.ts';
import { ok, problem, type Finding } from './finding.ts';

const FIX = 'kubectl apply --server-side -f crds/ (or helm upgrade --install toe charts/toe, which carries them)';

/**
 * Every toe.dev CRD this version of TOE makes: installed, Established, and with this version's schema. A schema from
 * another TOE version is a warning, not a failure: the API server then validates against rules this operator
 * does not share, so fields may be refused or pruned.
 */
export async function checkCrds(kc: KubeConfig): Promise<Finding[]> {
  // Read as untyped JSON: the typed client renames schema keywords (default → _default, enum → _enum), so its
  // objects never equal the generated schema.
  const api = kc.makeApiClient(CustomObjectsApi);
  const findings: Finding[] = [];
  for (const kind of Object.keys(kinds) as KindName[]) {
    const want = customResourceDefinition(kind);
    const name = want.metadata.name;
    const served = await (
      api.getClusterCustomObject({
        group: 'apiextensions.k8s.io',
        version: 'v1',
        plural: 'customresourcedefinitions',
        name,
      }) as Promise<V1CustomResourceDefinition>
    ).catch((err: unknown) => {
      if (classify(err) === 'gone') return undefined;
      throw err;
    });
    if (!served) {
      findings.push(problem('crds', 'fail', name, `the CRD of ${kind} is not installed: ${kind} objects cannot be created`, FIX));
      continue;
    }
    const established = served.status?.conditions?.find((c) => c.type === 'Established');
    if (established?.status !== 'True') {
      const why = established?.message ?? 'no Established condition yet';
      findings.push(problem('crds', 'fail', name, `the CRD is not Established: ${why}`, FIX));
      continue;
    }
    const version = served.spec.versions.find((v) => v.name === want.spec.versions[0]?.name);
    if (!version?.served || !isDeepStrictEqual(version.schema?.openAPIV3Schema, want.spec.versions[0]?.schema.openAPIV3Schema)) {
      findings.push(
        problem(
          'crds',
          'warn',
          name,
          `the installed CRD is not the one this TOE version generates (served: ${version?.served === true})`,
          FIX,
        ),
      );
      continue;
    }
    findings.push(ok('crds', name, 'installed, Established, same schema'));
  }
  return findings;
}
