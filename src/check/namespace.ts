import type { V1Namespace } from '@kubernetes/client-node';
import type { PowerToolConfig } from '../api/index.ts';
import { namespaceAllowed, OPT_IN_LABEL } from '../operator/powertool/targets.ts';
import { admits, ENFORCE_LABEL, enforcedLevel, psaLevels, requiredLevel } from './psa.ts';
import { ok, problem, type Finding } from './finding.ts';

/** The namespace opted in: by its label, or by a config that lists or selects it. */
export function checkOptIn(ns: V1Namespace, configs: readonly PowerToolConfig[]): Finding {
  const name = ns.metadata?.name ?? '';
  const subject = `namespace ${name}`;
  if (ns.metadata?.labels?.[OPT_IN_LABEL] === 'true') return ok('namespace', subject, `opted in (${OPT_IN_LABEL}=true)`);
  const allowing = configs.filter((c) => namespaceAllowed(ns, c.spec)).map((c) => c.spec.tool.name);
  if (allowing.length > 0) return ok('namespace', subject, `not labelled, but these tools allow it: ${allowing.join(', ')}`);
  return problem(
    'namespace',
    'fail',
    subject,
    'has not opted in: every PowerTool here is refused (NamespaceNotAllowed)',
    `kubectl label namespace ${name} ${OPT_IN_LABEL}=true`,
  );
}

/**
 * Each injected tool against the namespace's Pod Security level: PSA checks ephemeral containers when they are
 * added, so a tool the level forbids fails at injection, on every target.
 */
export function checkPodSecurity(ns: V1Namespace, configs: readonly PowerToolConfig[]): Finding[] {
  const name = ns.metadata?.name ?? '';
  const enforced = enforcedLevel(ns.metadata?.labels);
  if ('invalid' in enforced) {
    return [
      problem(
        'pod-security',
        'warn',
        `namespace ${name}`,
        `${ENFORCE_LABEL}=${enforced.invalid} is not a level (${psaLevels.join(', ')})`,
        `kubectl label namespace ${name} ${ENFORCE_LABEL}=<level> --overwrite`,
      ),
    ];
  }
  const where = enforced.labelled ? `enforces ${enforced.level}` : `has no ${ENFORCE_LABEL} label (the API server's default applies)`;
  const findings: Finding[] = [];
  for (const c of configs) {
    if (c.spec.action === 'evict') continue;
    const tool = c.spec.tool.name;
    const need = requiredLevel(c.spec.securityContext);
    if (admits(enforced.level, need.level)) {
      findings.push(ok('pod-security', `tool ${tool} in ${name}`, `needs ${need.level}; namespace ${name} ${where}`));
      continue;
    }
    findings.push(
      problem(
        'pod-security',
        'fail',
        `tool ${tool} in ${name}`,
        `namespace ${name} enforces ${enforced.level}, but tool ${tool} needs ${need.level} (${need.because}): its ephemeral container would be refused`,
        `kubectl label namespace ${name} ${ENFORCE_LABEL}=${need.level} --overwrite (if that is acceptable there), or use a tool that needs less`,
      ),
    );
  }
  return findings;
}
