import { AuthorizationV1Api, type V1Namespace } from '@kubernetes/client-node';
import type { Clients } from '../kube/client.ts';
import { apiMessage, classify } from '../kube/errors.ts';
import { checkAccess } from './access.ts';
import { checkAdmission } from './admission.ts';
import { checkConfigs, imagesOnNodes } from './configs.ts';
import { checkCrds } from './crds.ts';
import { problem, type Finding } from './finding.ts';
import { checkOptIn, checkPodSecurity } from './namespace.ts';
import { checkOperator } from './operator.ts';

export interface CheckOptions {
  /** Where PowerTools are to run. */
  namespace: string;
  /** Where the operator, its Lease and the PowerToolConfigs live. */
  operatorNamespace: string;
  leaseName: string;
  now?: Date;
}

/**
 * The preflight: every precondition of a PowerTool run in `namespace`, in the order a run meets them. A check that
 * cannot be made (forbidden, absent) becomes a finding too, so one broken precondition never hides the others.
 */
export async function runChecks(clients: Clients, o: CheckOptions): Promise<Finding[]> {
  const guard = async (check: string, subject: string, run: () => Promise<Finding | Finding[]>): Promise<Finding[]> => {
    try {
      return [await run()].flat();
    } catch (err) {
      const forbidden = classify(err) === 'terminal';
      return [
        problem(
          check,
          forbidden ? 'warn' : 'fail',
          subject,
          `could not check: ${apiMessage(err)}`,
          forbidden ? 'run toe check as a user who may read it' : 'is the API server reachable?',
        ),
      ];
    }
  };
  const findings = await guard('crds', 'toe.dev CRDs', () => checkCrds(clients.kc));
  const essential = new Set(['powertools.toe.dev', 'powertoolconfigs.toe.dev']);
  if (findings.some((f) => f.severity === 'fail' && essential.has(f.subject))) {
    // Without the kinds nothing below can be read; say so once instead of a cascade.
    return findings;
  }
  findings.push(
    ...(await guard('operator', `Lease ${o.operatorNamespace}/${o.leaseName}`, () =>
      checkOperator(clients.coordination, o.operatorNamespace, o.leaseName, o.now ?? new Date()),
    )),
  );
  const configs = await clients.resources.configs.list(o.operatorNamespace).then(
    (l) => l.items,
    (err: unknown) => err,
  );
  const nodes = await clients.core.listNode().then(
    (l) => l.items,
    () => undefined,
  );
  if (Array.isArray(configs)) findings.push(...checkConfigs(configs, o.operatorNamespace, nodes && imagesOnNodes(nodes)));
  else findings.push(...(await guard('configs', `namespace ${o.operatorNamespace}`, () => Promise.reject(configs))));

  // A namespace that cannot be read skips only the checks that need it: access and admission do not.
  let ns: V1Namespace | undefined;
  try {
    ns = await clients.core.readNamespace({ name: o.namespace });
  } catch (err) {
    if (classify(err) === 'gone') {
      findings.push(problem('namespace', 'fail', `namespace ${o.namespace}`, 'does not exist', `kubectl create namespace ${o.namespace}`));
      return findings;
    }
    findings.push(...(await guard('namespace', `namespace ${o.namespace}`, () => Promise.reject(err))));
  }
  if (ns) {
    const usable = Array.isArray(configs) ? configs : [];
    findings.push(checkOptIn(ns, usable), ...checkPodSecurity(ns, usable));
  }
  findings.push(
    ...(await guard('access', `namespace ${o.namespace}`, () => checkAccess(clients.kc.makeApiClient(AuthorizationV1Api), o.namespace))),
  );
  findings.push(...(await guard('admission', 'admission webhook', () => checkAdmission(clients.admission, clients.custom, o.namespace))));
  return findings;
}
