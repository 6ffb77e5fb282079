/**
 * Every rule, run over the same evidence, and the findings in the order a person should read them: by severity,
 * then by cause (the list in types.ts runs from specific causes to symptoms), then by id so runs compare.
 */
import { causes, severityRank, type Evidence, type Finding } from '../types.ts';
import { cpuThrottling, hotFunction } from './cpu.ts';
import { faultHadNoEffect, slowRecovery } from './fault.ts';
import { evicted, oomKilled } from './memory.ts';
import { networkErrors } from './network.ts';
import { probeFailures } from './probes.ts';
import { crashLoop, imagePullFailure } from './restarts.ts';
import { steadyStateBroken } from './steady-state.ts';
import type { Rule } from './rule.ts';
import { syscallErrors } from './syscalls.ts';
import { partialData, signalNotDeliverable, toolFailed } from './tool.ts';
import { volumeFull } from './volume.ts';

export const rules: Record<string, Rule> = {
  oomKilled,
  evicted,
  cpuThrottling,
  hotFunction,
  volumeFull,
  crashLoop,
  imagePullFailure,
  probeFailures,
  signalNotDeliverable,
  faultHadNoEffect,
  slowRecovery,
  steadyStateBroken,
  toolFailed,
  partialData,
  syscallErrors,
  networkErrors,
};

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank[a.severity] - severityRank[b.severity] ||
    causes.indexOf(a.cause) - causes.indexOf(b.cause) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Runs every rule; a rule that throws is reported by name in `errors` and the others still count. */
export function runRules(evidence: readonly Evidence[]): { findings: Finding[]; errors: string[] } {
  const byId = new Map<string, Finding>();
  const errors: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    let found: Finding[];
    try {
      found = rule(evidence);
    } catch (err) {
      errors.push(`rule ${name}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    for (const f of found) {
      if (f.evidence.length === 0) continue;
      const had = byId.get(f.id);
      if (had) had.evidence = [...new Set([...had.evidence, ...f.evidence])];
      else byId.set(f.id, f);
    }
  }
  return { findings: [...byId.values()].sort(compareFindings), errors };
}
