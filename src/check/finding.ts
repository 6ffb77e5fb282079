/**
 * What `toe check` reports: one finding per precondition, with the fix spelled out, as kind's and kubectl's
 * preflights do. A `fail` means a PowerTool will not run; a `warn` that it may not, or runs with less than it should.
 */
export type Severity = 'ok' | 'warn' | 'fail';

export interface Finding {
  /** The check, a short stable id: crds, operator, admission, access, namespace, pod-security, configs. */
  check: string;
  severity: Severity;
  /** What the finding is about: a CRD, a namespace, a PowerToolConfig. */
  subject: string;
  message: string;
  /** The command or change that fixes it (fail and warn only). */
  fix?: string;
}

export const ok = (check: string, subject: string, message: string): Finding => ({ check, severity: 'ok', subject, message });

export const problem = (check: string, severity: Exclude<Severity, 'ok'>, subject: string, message: string, fix: string): Finding => ({
  check,
  severity,
  subject,
  message,
  fix,
});

export const failed = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'fail');
