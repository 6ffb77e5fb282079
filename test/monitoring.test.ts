/**
 * The chart's observability kit against what the operator exports: every metric a rule or a dashboard panel queries
 * is one the operator registers (a renamed metric would leave an alert that never fires). Helm renders them in
 * test/e2e/chart-render.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createMetrics } from '../src/telemetry/metrics.ts';

const root = new URL('..', import.meta.url).pathname;
const rulesText = readFileSync(root + 'charts/toe/monitoring/toe.rules.yaml', 'utf8');
const dashboardText = readFileSync(root + 'charts/toe/monitoring/dashboard.json', 'utf8');
const rules = parse(rulesText) as { groups: { name: string; rules: { alert: string; expr: string }[] }[] };
const dashboard = JSON.parse(dashboardText) as { uid: string; panels: { title: string; targets: { expr: string }[] }[] };

/** The toe_ metric families an expression reads; histogram series map to their family. */
const families = (expr: string): string[] => [...expr.matchAll(/\btoe_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));

describe('the observability kit', () => {
  const registered = new Set(
    createMetrics()
      .registry.getMetricsAsArray()
      .map((m) => m.name),
  );

  it('alerts on a fault past its deadline, failing injections, the emergency stop and a missing leader', () => {
    assert.deepEqual(
      rules.groups.flatMap((g) => g.rules.map((r) => r.alert)),
      ['ToeFaultPastDeadline', 'ToeInjectionsFailing', 'ToeEmergencyStopActive', 'ToeNoLeader'],
    );
  });

  it('queries only metrics the operator registers, in every rule and every panel', () => {
    const exprs = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => [r.alert, r.expr] as const)),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr] as const)),
    ];
    assert.ok(exprs.length >= 10);
    for (const [where, expr] of exprs) {
      const used = families(expr);
      assert.ok(used.length > 0, `${where}: ${expr} reads no toe_ metric`);
      for (const name of used) assert.ok(registered.has(name), `${where}: ${name} is not a metric the operator registers`);
    }
  });
});
