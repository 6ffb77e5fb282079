import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ReportModel, SteadyStateView, TargetRow } from '../model.ts';
import { reportJunit } from './junit.ts';

const xsd = new URL('./junit.xsd', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'toe-junit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** xmllint's verdict on the document against junit.xsd (libxml2-utils, from test/host-packages.txt). */
function schemaErrors(xml: string): string | undefined {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  assert.equal(r.error, undefined, 'xmllint must be installed (libxml2-utils)');
  return r.status === 0 ? undefined : r.stderr;
}

const target = (over: Partial<TargetRow>): TargetRow => ({
  powerTool: 'shop/web-cpu',
  pod: 'web-1',
  container: 'app',
  phase: 'Succeeded',
  startedAt: '2026-12-07T10:00:00Z',
  finishedAt: '2026-12-07T10:00:30Z',
  partial: false,
  artifacts: 1,
  bytes: 1,
  ...over,
});

const model = (targets: TargetRow[], steadyState?: SteadyStateView[]): ReportModel => ({
  id: 'r1',
  generatedAt: '2026-12-07T10:01:00.123Z',
  run: { namespace: 'shop', name: 'web-cpu', tool: 'cpu', targets: targets.map((t) => t.pod) },
  targets,
  ...(steadyState ? { steadyState } : {}),
});

const count = (xml: string, re: RegExp): number => xml.match(re)?.length ?? 0;

describe('JUnit XML', () => {
  it('fails the probe that breached and the target whose tool failed; passes the rest; valid against junit.xsd', () => {
    const xml = reportJunit(
      model(
        [target({}), target({ pod: 'web-2', phase: 'Failed', exitCode: 1, message: 'exit 1' }), target({ pod: 'web-3', phase: 'Pending' })],
        [
          {
            powerTool: 'shop/web-cpu',
            verdict: 'Breached',
            held: 'False',
            probes: [
              { name: 'checkout', kind: 'http', checks: 5, failures: 3, breachedAt: '2026-12-07T10:00:20Z' },
              { name: 'replicas', kind: 'kubernetes', checks: 5, failures: 0, lastResult: 'Pass' },
            ],
          },
        ],
      ),
    );
    assert.equal(schemaErrors(xml), undefined);
    assert.match(xml, /<testsuites [^>]*tests="5" failures="2" errors="0" skipped="1"/);
    assert.match(xml, /name="checkout" [^>]*><failure type="Breached"/);
    assert.match(xml, /name="replicas" [^>]*><system-out>/);
    assert.match(xml, /name="web-2\/app" time="30.000"><failure type="Failed" message="exit 1"/);
    assert.match(xml, /name="web-3\/app" [^>]*><skipped/);
  });

  it('fails the probes that did not hold before the start, and those not recovered after the run', () => {
    const probe = { name: 'p', kind: 'http', checks: 1, failures: 1, lastResult: 'Fail', lastValue: '503' };
    const before = reportJunit(model([], [{ powerTool: 'a/x', verdict: 'NotHeldBeforeStart', held: 'False', probes: [probe] }]));
    assert.match(before, /<failure type="NotHeldBeforeStart"/);
    const unrecovered = reportJunit(
      model([], [{ powerTool: 'a/x', verdict: 'NotRecovered', held: 'False', probes: [{ ...probe, lastResult: 'Pass' }] }]),
    );
    assert.match(unrecovered, /<failure type="NotRecovered"/);
    assert.equal(schemaErrors(unrecovered), undefined);
  });

  it('stays well-formed and valid with hostile text: markup, quotes and control characters from the cluster', () => {
    const message = '</failure><x a="1"> & \u0001\u001b]]>';
    const xml = reportJunit(model([target({ pod: '<script>', phase: 'Failed', message })]));
    assert.equal(schemaErrors(xml), undefined);
    assert.equal(count(xml, /<failure /g), 1);
    assert.equal(xml.includes('\u0001'), false);
  });

  it('is refused by the schema when a required attribute is missing (the check can fail)', () => {
    const xml = reportJunit(model([target({})])).replace(/ time="[^"]*"/, '');
    assert.notEqual(schemaErrors(xml), undefined);
  });
});
