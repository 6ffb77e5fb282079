/**
 * The Go builds later phases need, started by the test command at the lowest CPU priority while the static and
 * unit phases run (their tests mostly wait on processes and timers, so the cores are often idle): Kubernetes, then
 * the cluster's programs, which the integration and e2e phases wait for, then what only the e2e phase's last suites
 * use (test/run.ts LATE_E2E): Prometheus and promtool, then Helm, so on a cold machine those overlap the other e2e
 * suites instead of the critical path before them. On a warm machine every build is a cache hit and this ends at
 * once. Whoever needs a binary first and finds it being built waits for it (buildOnce), so nothing is built twice; a
 * failure here is left to that phase to report.
 */
import { layout } from '../src/cluster/layout.ts';
import { buildKubernetes } from '../src/cluster/steps/build-kubernetes.ts';
import { CLUSTER_PROGRAMS, buildGoProgram } from '../src/cluster/steps/build-programs.ts';

const { cacheDir } = layout();
const started = Date.now();
const say = (line: string): void => void process.stdout.write(`prebuild: ${line} (${Math.round((Date.now() - started) / 1000)} s)\n`);
try {
  await buildKubernetes(cacheDir);
  say('kubernetes ready');
  for (const p of CLUSTER_PROGRAMS) await buildGoProgram(cacheDir, p);
  say(`${CLUSTER_PROGRAMS.join(', ')} ready`);
  for (const p of ['prometheus', 'promtool', 'helm'] as const) {
    await buildGoProgram(cacheDir, p);
    say(`${p} ready`);
  }
} catch (err) {
  say(`stopped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; the phase that needs it builds it`);
}
