import { powerToolConfigSpec, type PowerToolConfigSpec } from '../../api/index.ts';
import { checkConfig, type ArgError } from '../../allowlist/index.ts';
import { parseDuration } from '../../api/units.ts';

/** A tool that needs longer than this to save its output is broken, and it would hold targets past their runs. */
export const MAX_FINISH_GRACE_MS = 5 * 60_000;

/** What the operator lets an admin grant a tool; a config asking for more is Invalid, whatever its author's rights. */
export interface ToolPrivileges {
  allowedCapabilities: readonly string[];
  allowPrivileged: boolean;
}

export const DEFAULT_TOOL_PRIVILEGES: ToolPrivileges = {
  // What the shipped tools need (powertools/*/config.yaml; a test holds them to it), and a few more an admin's own
  // tools commonly do. DAC_OVERRIDE: fill a volume the app's user owns; SETUID/SETGID: tcpdump drops to its user.
  allowedCapabilities: [
    'SYS_PTRACE',
    'PERFMON',
    'SYS_ADMIN',
    'NET_RAW',
    'NET_ADMIN',
    'KILL',
    'DAC_READ_SEARCH',
    'DAC_OVERRIDE',
    'SETUID',
    'SETGID',
    'IPC_LOCK',
    'SYS_NICE',
  ],
  allowPrivileged: false,
};

/** Every problem with a PowerToolConfig's spec: schema, allowlist well-formedness, and the operator's tool privileges. */
export function checkToolConfig(rawSpec: unknown, privileges: ToolPrivileges): ArgError[] {
  const parsed = powerToolConfigSpec.safeParse(rawSpec);
  if (!parsed.success) return parsed.error.issues.map((i) => ({ path: ['spec', ...i.path].join('.'), message: i.message }));
  const spec = parsed.data;
  const errors = [...actionErrors(spec), ...checkConfig(spec)];
  if ((parseDuration(spec.limits.finishGrace) ?? 0) > MAX_FINISH_GRACE_MS) {
    errors.push({ path: 'spec.limits.finishGrace', message: `must be at most 5m, got "${spec.limits.finishGrace}"` });
  }
  errors.push(...privilegeErrors(spec.securityContext, privileges));
  return errors;
}

/** The same rules as the CRD's x-kubernetes-validations on spec.action, for configs checked outside the API server. */
function actionErrors(spec: PowerToolConfigSpec): ArgError[] {
  if (spec.action === 'inject') {
    return (['image', 'command'] as const)
      .filter((f) => spec[f] === undefined)
      .map((f) => ({ path: `spec.${f}`, message: 'action inject needs it: the ephemeral container runs it' }));
  }
  const present: string[] = (['image', 'command'] as const).filter((f) => spec[f] !== undefined);
  if (spec.defaultArgs.length > 0) present.push('defaultArgs');
  if (spec.parameters.length > 0) present.push('parameters');
  return present.map((f) => ({ path: `spec.${f}`, message: 'action evict runs no container: leave it out' }));
}

/** What a tool's securityContext asks for beyond the operator's tool privileges; also re-checked on a run's frozen record. */
export function privilegeErrors(sc: PowerToolConfigSpec['securityContext'], privileges: ToolPrivileges): ArgError[] {
  const errors: ArgError[] = [];
  if (sc?.privileged && !privileges.allowPrivileged) {
    errors.push({
      path: 'spec.securityContext.privileged',
      message: 'privileged tools are not allowed by this operator (start it with --allow-privileged-tools)',
    });
  }
  for (const [i, cap] of (sc?.capabilities?.add ?? []).entries()) {
    if (!privileges.allowedCapabilities.includes(cap)) {
      errors.push({
        path: `spec.securityContext.capabilities.add[${i}]`,
        message: `capability ${cap} is not allowed; allowed: ${privileges.allowedCapabilities.join(', ')}`,
      });
    }
  }
  return errors;
}
