/**
 * cgroup: CPU throttling counters (cpu.stat) per container, as RCA evidence. No tool writes an artifact of this
 * kind yet, so it has no parser and no report section: the RCA input field is filled by callers that have the
 * counters (and by rca/fixtures/). A tool that ships them adds `artifacts`, `parse` and `summarise` here.
 */
import { defineKind } from '../kind.ts';
import { throttleEvidence } from './evidence.ts';

export const cgroup = defineKind({
  name: 'cgroup',
  artifacts: [],
  rca: { key: 'cpuThrottling', evidence: throttleEvidence },
});
