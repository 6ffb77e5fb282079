import { powerToolConfigSpec, type PowerToolConfigSpec } from '../../api/index.ts';
import { checkConfig, type ArgError } from '../../allowlist/index.ts';
import { parseDuration } from '../../api/units.ts';

/** A tool that needs longer than this to save its output is broken, and it would hold targets past their runs. */
export const MAX_FINISH_GRACE_MS = 5 * 60_000;

/** What the operator lets an admin grant a tool; a config asking for more is Invalid, whatever its author's rights. */
export interface ToolPolicy {
  allowedCapabilities: readonly string[];
  allowPrivileged: boolean;
}

export const DEFAULT_TOOL_POLICY: ToolPolicy = {
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

/** Every problem with a PowerToolConfig's spec: schema, allowlist well-formedness, and the operator's policy. */
export function checkToolConfig(rawSpec: unknown, policy: ToolPolicy): ArgError[] {
  const parsed = powerToolConfigSpec.safeParse(rawSpec);
  if (!parsed.success) return parsed.error.issues.map((i) => ({ path: ['spec', ...i.path].join('.'), message: i.message }));
  const spec = parsed.data;
  const errors = [...checkConfig(spec)];
  if ((parseDuration(spec.limits.finishGrace) ?? 0) > MAX_FINISH_GRACE_MS) {
    errors.push({ path: 'spec.limits.finishGrace', message: `must be at most 5m, got "${spec.limits.finishGrace}"` });
  }
  errors.push(...securityPolicyErrors(spec.securityContext, policy));
  return errors;
}

/** What a tool's securityContext asks for beyond the operator's policy; also re-checked on a run's frozen record. */
export function securityPolicyErrors(sc: PowerToolConfigSpec['securityContext'], policy: ToolPolicy): ArgError[] {
  const errors: ArgError[] = [];
  if (sc?.privileged && !policy.allowPrivileged) {
    errors.push({
      path: 'spec.securityContext.privileged',
      message: 'privileged tools are not allowed by this operator (start it with --allow-privileged-tools)',
    });
  }
  for (const [i, cap] of (sc?.capabilities?.add ?? []).entries()) {
    if (!policy.allowedCapabilities.includes(cap)) {
      errors.push({
        path: `spec.securityContext.capabilities.add[${i}]`,
        message: `capability ${cap} is not allowed; allowed: ${policy.allowedCapabilities.join(', ')}`,
      });
    }
  }
  return errors;
}
