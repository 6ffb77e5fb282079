import type { PowerToolConfigSpec } from '../api/index.ts';

type ToolSecurityContext = PowerToolConfigSpec['securityContext'];

/**
 * Pod Security Admission levels, as the API server applies them to a pod's ephemeral containers too: a tool whose
 * security context the namespace's `enforce` level forbids is refused when the operator adds it, so `toe check`
 * says so before a run fails. Pure; the rules are the Pod Security Standards' (kubernetes.io/docs/concepts/security/
 * pod-security-standards) for what a container's securityContext decides.
 */
export const psaLevels = ['privileged', 'baseline', 'restricted'] as const;
export type PsaLevel = (typeof psaLevels)[number];

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Capabilities the baseline level lets a container add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const bare = (cap: string): string => cap.toUpperCase().replace(/^CAP_/, '');

export interface Requirement {
  /** The most restrictive level that admits the tool's container. */
  level: PsaLevel;
  /** Why no stricter level does; empty for restricted. */
  because: string;
}

/** The strictest level that admits a container with this security context. */
export function requiredLevel(sc: ToolSecurityContext): Requirement {
  if (sc?.privileged) return { level: 'privileged', because: 'it runs privileged' };
  const added = (sc?.capabilities?.add ?? []).map(bare);
  const beyondBaseline = added.filter((c) => !BASELINE_CAPABILITIES.has(c));
  if (beyondBaseline.length > 0) return { level: 'privileged', because: `it adds ${beyondBaseline.join(', ')}` };
  const reasons: string[] = [];
  const beyondRestricted = added.filter((c) => c !== 'NET_BIND_SERVICE');
  if (beyondRestricted.length > 0) reasons.push(`it adds ${beyondRestricted.join(', ')}`);
  if (!(sc?.capabilities?.drop ?? []).map(bare).includes('ALL')) reasons.push('it does not drop ALL capabilities');
  if (sc?.allowPrivilegeEscalation !== false) reasons.push('it does not set allowPrivilegeEscalation: false');
  if (sc?.runAsNonRoot !== true) reasons.push('it does not set runAsNonRoot: true');
  return reasons.length > 0 ? { level: 'baseline', because: reasons.join('; ') } : { level: 'restricted', because: '' };
}

/** Whether a namespace enforcing `enforced` admits a container that needs `needed`. */
export const admits = (enforced: PsaLevel, needed: PsaLevel): boolean => psaLevels.indexOf(enforced) <= psaLevels.indexOf(needed);

/** The namespace's enforce level; without the label the API server's default applies, which is privileged unless configured. */
export function enforcedLevel(labels: Record<string, string> | undefined): { level: PsaLevel; labelled: boolean } | { invalid: string } {
  const value = labels?.[ENFORCE_LABEL];
  if (value === undefined) return { level: 'privileged', labelled: false };
  return (psaLevels as readonly string[]).includes(value) ? { level: value as PsaLevel, labelled: true } : { invalid: value };
}
