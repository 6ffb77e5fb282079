import type { AuthorizationV1Api } from '@kubernetes/client-node';
import { GROUP } from '../api/index.ts';
import { ok, problem, type Finding } from './finding.ts';

/** What a user of TOE does in a namespace, and whether missing it is fatal. */
const NEEDED: Array<{ verb: string; resource: string; required: boolean }> = [
  { verb: 'create', resource: 'powertools', required: true },
  { verb: 'get', resource: 'powertools', required: true },
  { verb: 'delete', resource: 'powertools', required: false },
  { verb: 'create', resource: 'powertoolprocessings', required: false },
];

/** The caller's own rights, through SelfSubjectAccessReview: the API server's answer, not a reading of RBAC objects. */
export async function checkAccess(authz: AuthorizationV1Api, namespace: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { verb, resource, required } of NEEDED) {
    const review = await authz.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { group: GROUP, resource, verb, namespace } } },
    });
    const subject = `${verb} ${resource}.${GROUP} in ${namespace}`;
    if (review.status?.allowed) findings.push(ok('access', subject, 'allowed'));
    else
      findings.push(
        problem(
          'access',
          required ? 'fail' : 'warn',
          subject,
          `you may not${review.status?.reason ? `: ${review.status.reason}` : ''}`,
          `bind a Role granting ${verb} on ${resource} (group ${GROUP}) in ${namespace} to your user or group`,
        ),
      );
  }
  return findings;
}
