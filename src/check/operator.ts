import type { CoordinationV1Api } from '@kubernetes/client-node';
import { classify } from '../kube/errors.ts';
import { ok, problem, type Finding } from './finding.ts';

const FIX = 'install the chart (helm upgrade --install toe charts/toe -n toe-system) or run `toe operator`, then look at its logs';

/**
 * An operator is running when one replica holds the leader Lease and renews it: a stale Lease means the holder is
 * gone, and PowerTools stay Pending until another takes over.
 */
export async function checkOperator(coordination: CoordinationV1Api, namespace: string, leaseName: string, now: Date): Promise<Finding> {
  const subject = `Lease ${namespace}/${leaseName}`;
  const lease = await coordination.readNamespacedLease({ name: leaseName, namespace }).catch((err: unknown) => {
    if (classify(err) === 'gone') return undefined;
    throw err;
  });
  if (!lease?.spec?.holderIdentity) {
    return problem('operator', 'fail', subject, 'no operator holds the leader Lease: PowerTools are not reconciled', FIX);
  }
  const renewed = lease.spec.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
  const duration = (lease.spec.leaseDurationSeconds ?? 15) * 1000;
  const age = Math.round((now.getTime() - renewed) / 1000);
  if (now.getTime() - renewed > 2 * duration) {
    return problem(
      'operator',
      'fail',
      subject,
      `the Lease of ${lease.spec.holderIdentity} was last renewed ${age}s ago: no operator is leading`,
      FIX,
    );
  }
  return ok('operator', subject, `${lease.spec.holderIdentity} leads (renewed ${age}s ago)`);
}
