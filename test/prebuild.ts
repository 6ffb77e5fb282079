/**
 * The Go builds later phases need, started by the test command at the lowest CPU priority while the static and
 * unit phases run (their tests mostly wait on processes and timers, so the cores are often idle): Helm for the
 * chart's unit test first, then Kubernetes and the cluster's programs for the integration and e2e phases, then
 * Prometheus for the prometheus probe's integration suite (promtool is left out until a test uses it). On a warm
 * machine every build is a cache hit and this ends at once. Whoever needs a binary first and finds it being built
 * waits for it (buildOnce), so nothing is built twice; a failure here is left to that phase to report.
 */
import { layout } from '../src/cluster/layout.ts';
import { buildKubernetes } from '../src/cluster/steps/build-kubernetes.ts';
import { CLUSTER_PROGRAMS, buildGoProgram } from '../src/cluster/steps/build-programs.ts';

const { cacheDir } = layout();
const started = Date.now();
const say = (line: string): void => void process.stdout.write(`prebuild: ${line} (${Math.round((Date.now() - started) / 1000)} s)\n`);
try {
  await buildGoProgram(cacheDir, 'helm');
  say('helm ready');
  await buildKubernetes(cacheDir);
  say('kubernetes ready');
  for (const p of CLUSTER_PROGRAMS) await buildGoProgram(cacheDir, p);
  say(`${CLUSTER_PROGRAMS.join(', ')} ready`);
  await buildGoProgram(cacheDir, 'prometheus');
  say('prometheus ready');
} catch (err) {
  say(`stopped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; the phase that needs it builds it`);
}
