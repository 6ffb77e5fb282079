import type { PowerToolSpec, SteadyStateConfig } from '../api/index.ts';
import { parseDuration } from '../api/units.ts';
import { quote, type ArgError } from '../allowlist/index.ts';

/**
 * Bounds on the steady-state probes that a schema cannot say: durations compared with limits and with each other.
 * Part of admitPowerTool, so admission, `toe validate` and the controller's re-check agree. The bounds keep the
 * operator's own load small (a probe at most once a second, a request at most 10 s) and a verdict due within
 * 30 minutes of the run's end.
 */
const LIMITS = {
  interval: { min: 1_000, max: 300_000, text: 'between 1s and 5m' },
  recoveryTimeout: { min: 1_000, max: 1_800_000, text: 'between 1s and 30m' },
  timeout: { min: 100, max: 10_000, text: 'between 100ms and 10s' },
  maxLatency: { min: 1, max: 10_000, text: 'between 1ms and 10s' },
} as const;

/**
 * `config` is the tool's PowerToolConfig spec.steadyState: a prometheus probe may only name a server the admin
 * listed there, so the URL a probe queries never comes from the PowerTool.
 */
export function checkSteadyState(spec: PowerToolSpec, at = 'spec', config?: SteadyStateConfig): ArgError[] {
  const errors: ArgError[] = [];
  const seen = new Set<string>();
  (spec.steadyState ?? []).forEach((probe, i) => {
    const path = `${at}.steadyState[${i}]`;
    if (seen.has(probe.name))
      errors.push({ path: `${path}.name`, message: `Duplicate value: ${quote(probe.name)}: probe names must be unique` });
    seen.add(probe.name);
    const bounded = (field: keyof typeof LIMITS, text: string | undefined, fieldPath: string): number | undefined => {
      if (text === undefined) return undefined;
      const ms = parseDuration(text);
      const limit = LIMITS[field];
      if (ms === undefined || ms < limit.min || ms > limit.max) {
        errors.push({ path: fieldPath, message: `Invalid value: ${quote(text)}: must be ${limit.text}` });
        return undefined;
      }
      return ms;
    };
    const interval = bounded('interval', probe.interval, `${path}.interval`);
    bounded('recoveryTimeout', probe.recoveryTimeout, `${path}.recoveryTimeout`);
    if (probe.kind === 'prometheus' && probe.prometheus) {
      const p = probe.prometheus;
      const timeout = bounded('timeout', p.timeout, `${path}.prometheus.timeout`);
      if (timeout !== undefined && interval !== undefined && timeout > interval)
        errors.push({
          path: `${path}.prometheus.timeout`,
          message: `Invalid value: ${quote(p.timeout)}: must not exceed the interval (${probe.interval}), or checks would overlap`,
        });
      const servers = (config?.prometheus ?? []).map((s) => s.name);
      if (servers.length === 0)
        errors.push({
          path: `${path}.prometheus`,
          message:
            'Forbidden: no Prometheus server is configured for this tool: an admin lists one in its PowerToolConfig, spec.steadyState.prometheus',
        });
      else if (p.server !== undefined && !servers.includes(p.server))
        errors.push({
          path: `${path}.prometheus.server`,
          message: `Unsupported value: ${quote(p.server)}: the tool's PowerToolConfig spec.steadyState.prometheus lists ${servers.map((n) => quote(n)).join(', ')}`,
        });
    }
    if (probe.kind === 'http' && probe.http) {
      const timeout = bounded('timeout', probe.http.timeout, `${path}.http.timeout`);
      const latency = bounded('maxLatency', probe.http.maxLatency, `${path}.http.maxLatency`);
      if (timeout !== undefined && interval !== undefined && timeout > interval)
        errors.push({
          path: `${path}.http.timeout`,
          message: `Invalid value: ${quote(probe.http.timeout)}: must not exceed the interval (${probe.interval}), or checks would overlap`,
        });
      if (latency !== undefined && timeout !== undefined && latency > timeout)
        errors.push({
          path: `${path}.http.maxLatency`,
          message: `Invalid value: ${quote(probe.http.maxLatency ?? '')}: must not exceed the timeout (${probe.http.timeout})`,
        });
    }
  });
  return errors;
}
