import { isDeepStrictEqual } from 'node:util';
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
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
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const findings: Finding[] = [];
  for (const kind of Object.keys(kinds) as KindName[]) {
    const want = customResourceDefinition(kind);
    const name = want.metadata.name;
    const served = await api.readCustomResourceDefinition({ name }).catch((err: unknown) => {
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
    const schema = JSON.parse(JSON.stringify(version?.schema?.openAPIV3Schema ?? null)) as unknown;
    if (!version?.served || !isDeepStrictEqual(schema, want.spec.versions[0]?.schema.openAPIV3Schema)) {
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
