import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildEvidence } from './evidence.ts';
import { buildPrompt, estimateTokens } from './prompt.ts';
import type { EvidenceSet, RcaInput } from './types.ts';

const load = (name: string): EvidenceSet =>
  buildEvidence((JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as { input: RcaInput }).input);

describe('buildPrompt', () => {
  const set = load('oom-kill');

  it('sends everything when it fits', () => {
    const p = buildPrompt(set, 100_000, false);
    assert.equal(p.stats.evidenceSent, set.evidence.length);
    assert.equal(p.stats.evidenceCut, 0);
    assert.doesNotMatch(p.user, /left out/);
    for (const e of set.evidence) assert.ok(p.user.includes(`"id":"${e.id}"`));
  });

  it('stays within the budget, cutting uncited and low-severity evidence first, and says so', () => {
    for (const budget of [300, 500, 800, 1200]) {
      const p = buildPrompt(set, budget, false);
      assert.ok(estimateTokens(p.system + p.user) <= budget, `${budget}: ${p.stats.estimatedTokens}`);
      const sent = new Set(p.ids.values());
      const critical = new Set(set.findings.filter((f) => f.severity === 'critical').flatMap((f) => f.evidence));
      const info = new Set(set.findings.filter((f) => f.severity === 'info').flatMap((f) => f.evidence));
      // Anything lighter that made it in means nothing heavier was cut.
      if ([...sent].some((id) => info.has(id))) for (const id of critical) assert.ok(sent.has(id), `${budget}: critical ${id} cut`);
      if (p.stats.evidenceCut > 0) assert.match(p.user, new RegExp(`${p.stats.evidenceCut} evidence item\\(s\\) were left out`));
      for (const m of p.user.matchAll(/evidence: ([^)]*)\)/g))
        for (const id of (m[1] ?? '').split(', ').filter(Boolean)) assert.ok(p.ids.has(id), `finding cites unsent ${id}`);
    }
    const tight = buildPrompt(set, 500, false);
    assert.ok(tight.stats.evidenceCut > 0 && tight.stats.evidenceSent > 0);
    assert.ok(tight.ids.has(set.findings[0]?.evidence[0] as string), 'the first critical evidence is sent');
  });

  it('leaves no name in an anonymised prompt and is the same every time', () => {
    const p = buildPrompt(set, 100_000, true);
    for (const name of ['api-6c8f7d9b5-x2x8q', 'toe-node-1', 'registry.example.com', '"shop"', '_shop(', ' api '])
      assert.ok(!p.user.includes(name), name);
    assert.equal(buildPrompt(set, 100_000, true).user, p.user);
    for (const [sent, real] of p.ids) assert.ok(set.evidence.some((e) => e.id === real) && !sent.includes('api-6c8f7d9b5'));
  });
});
