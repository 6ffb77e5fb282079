/**
 * What profiling costs a running Go service: the go-hot sample app's HTTP request rate, measured from the node
 * with one keep-alive client, before the go profiler runs (the baseline, in the same run), while it takes CPU
 * slices, and after. Issue 15's goal: at most 5% fewer requests while profiling.
 */
import { Agent, request } from 'node:http';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator } from '../e2e/operator.ts';
import { allRunning, finished, powerTools, runningPods, sampleApp } from '../e2e/tools.ts';
import type { Bench, BenchResult } from './bench.ts';

/** Sequential GETs to ip:8080 for `ms`, one connection kept alive; requests per second. */
async function requestRate(ip: string, ms: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const end = Date.now() + ms;
  let n = 0;
  try {
    while (Date.now() < end) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: ip, port: 8080, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
      n += 1;
    }
  } finally {
    agent.destroy();
  }
  return (n * 1000) / ms;
}

export const bench: Bench = {
  name: 'go profiler: request rate of the profiled Go app (real node)',
  run: async ({ quick, log }) => {
    const clients = testClients();
    const ns = `bench-go-${Date.now().toString(36)}`;
    const window = quick ? 5_000 : 15_000;
    const kubeconfig = await prepare(clients, ['go']);
    const operator = startOperator(kubeconfig);
    try {
      await sampleApp(clients, ns, 'go-hot/deployment.yaml', 'go-app', 1);
      const [pod] = await runningPods(clients, ns, 'go-app', 1);
      const ip = pod?.status?.podIP ?? '';
      log(`baseline ${window / 1000} s against ${ip}`);
      const before = await requestRate(ip, window);
      const pts = powerTools(clients, ns);
      await pts.create('profile', {
        targets: { selector: { matchLabels: { app: 'go-app' } } },
        tool: { name: 'go', args: ['--profile=both'], duration: `${Math.ceil(window / 1000) + 8}s` },
      });
      await pts.until('profile', 'running', allRunning(1));
      log('while profiling');
      const during = await requestRate(ip, window);
      await pts.until('profile', 'finished', finished, 120_000);
      const after = await requestRate(ip, window);
      const results: BenchResult[] = [
        { name: 'requests/s before (baseline)', value: before, unit: 'req/s' },
        {
          name: 'requests/s while profiling',
          value: during,
          unit: 'req/s',
          note: `${((100 * during) / before).toFixed(1)}% of the baseline`,
        },
        { name: 'requests/s after', value: after, unit: 'req/s', note: `${((100 * after) / before).toFixed(1)}% of the baseline` },
        { name: 'request rate while profiling / baseline', value: during / before, unit: 'x', goal: '≥ 0.95' },
      ];
      return results;
    } finally {
      await operator.stop();
      await clients.core.deleteNamespace({ name: ns }).catch(() => undefined);
    }
  },
};
