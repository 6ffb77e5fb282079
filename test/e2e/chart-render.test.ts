/**
 * The chart through a real helm, with no cluster: lint, template, and the observability kit rendered from the same
 * files promtool and test/monitoring.test.ts check. In the e2e phase, and among its last suites (test/run.ts),
 * only because Helm (built once from its pinned Go module, ~10 min cold) is built after the cluster's programs:
 * on a cold machine its build then overlaps the other e2e suites instead of the critical path before them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import type { V1Deployment } from '@kubernetes/client-node';
import { buildHelm, helmRunner } from '../harness/helm.ts';

const root = new URL('../..', import.meta.url).pathname;
const rules = parse(readFileSync(root + 'charts/toe/monitoring/toe.rules.yaml', 'utf8')) as unknown;
const dashboard = JSON.parse(readFileSync(root + 'charts/toe/monitoring/dashboard.json', 'utf8')) as unknown;

describe('the Helm chart through helm', async () => {
  const binary = await buildHelm();
  const chart = root + 'charts/toe';

  it('passes helm lint --strict', async () => {
    const helm = helmRunner(binary);
    try {
      await helm.run(['lint', '--strict', chart]);
    } finally {
      helm.dispose();
    }
  });

  it('renders every namespaced object into the release namespace, and the flags toe operator knows', async () => {
    const helm = helmRunner(binary);
    try {
      const docs = parseAllDocuments(await helm.run(['template', 'toe', chart, '--namespace', 'elsewhere']))
        .map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: unknown } | null)
        .filter((d) => d !== null);
      const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding']);
      for (const d of docs)
        assert.equal(d.metadata.namespace, clusterScoped.has(d.kind) ? undefined : 'elsewhere', `${d.kind} ${d.metadata.name}`);
      const operator = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'toe-operator') as V1Deployment | undefined;
      const args = operator?.spec?.template.spec?.containers[0]?.args ?? [];
      assert.equal(args[0], 'operator');
      const help = readFileSync(root + 'src/cli/operator.ts', 'utf8');
      for (const flag of args.slice(1).map((a) => a.split('=')[0] as string))
        assert.match(help, new RegExp(`^  ${flag} `, 'm'), `toe operator has no ${flag}`);
      assert.ok(args.includes('--webhook-service=elsewhere/toe-operator'), args.join(' '));
    } finally {
      helm.dispose();
    }
  });

  it('renders through helm, off by default, and from the same files when enabled', async () => {
    const helm = helmRunner(binary);
    try {
      const render = async (...set: string[]) =>
        parseAllDocuments(
          await helm.run(['template', 'toe', root + 'charts/toe', '--namespace', 'toe-system', ...set.flatMap((s) => ['--set', s])]),
        )
          .map(
            (d) =>
              d.toJS() as {
                kind: string;
                metadata: { name: string };
                spec?: Record<string, unknown>;
                data?: Record<string, string>;
              } | null,
          )
          .filter((d) => d !== null);
      const kinds = (docs: { kind: string }[]) => docs.map((d) => d.kind);
      const plain = await render();
      for (const kind of ['ServiceMonitor', 'PrometheusRule']) assert.ok(!kinds(plain).includes(kind), `${kind} rendered by default`);
      const docs = await render(
        'monitoring.serviceMonitor.enabled=true',
        'monitoring.prometheusRule.enabled=true',
        'monitoring.dashboard.enabled=true',
      );
      const monitor = docs.find((d) => d.kind === 'ServiceMonitor');
      assert.deepEqual(
        (monitor?.spec?.endpoints as { port: string }[] | undefined)?.map((e) => e.port),
        ['http-metrics'],
      );
      const service = docs.find((d) => d.kind === 'Service' && d.metadata.name === 'toe-operator') as
        { spec: { ports: { name: string }[] } } | undefined;
      assert.ok(
        service?.spec.ports.some((p) => p.name === 'http-metrics'),
        'the ServiceMonitor names a port the Service has',
      );
      const rule = docs.find((d) => d.kind === 'PrometheusRule');
      assert.deepEqual(rule?.spec, rules);
      const map = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'toe-dashboard');
      assert.deepEqual(JSON.parse(map?.data?.['toe.json'] ?? '{}'), dashboard);
    } finally {
      helm.dispose();
    }
  });
});
