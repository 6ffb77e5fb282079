/**
 * The RCA path through the real `ollama` client over real HTTP: against llama.cpp running a tiny generated model,
 * and against endpoints that fail in the ways a real Ollama can (unreachable, silent, ungrounded, wrong model).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { analyse } from '../../processing/rca/analyse.ts';
import { answerSchema } from '../../processing/rca/answer.ts';
import { buildEvidence } from '../../processing/rca/evidence.ts';
import type { EvidenceSet, RcaInput } from '../../processing/rca/types.ts';
import { startLlmServer, type LlmServer } from './server.ts';

const fixture = (name: string): RcaInput =>
  (JSON.parse(readFileSync(new URL(`../../processing/rca/fixtures/${name}.json`, import.meta.url), 'utf8')) as { input: RcaInput }).input;

const oom: EvidenceSet = buildEvidence(fixture('oom-kill'));

async function listen(handler: RequestListener): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

async function closedPort(): Promise<string> {
  const { server, url } = await listen(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

function chatReply(content: string): string {
  return JSON.stringify({
    model: 'm',
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content },
    done: true,
    done_reason: 'stop',
  });
}

describe('analyse with a real inference engine (llama.cpp, tiny generated model)', () => {
  let llm: LlmServer;
  before(async () => {
    llm = await startLlmServer();
  });
  after(async () => {
    await llm.close();
  });

  it('answers schema-valid and grounded through the ollama client', async () => {
    const result = await analyse(oom, { endpoint: llm.url, model: llm.model, timeout: '60s', retries: 1, maxInputTokens: 1024 });
    assert.equal(result.status, 'Succeeded', JSON.stringify(result));
    if (result.status !== 'Succeeded') return;
    assert.ok(answerSchema.safeParse(result.answer).success);
    assert.ok(result.answer.likelyCauses.length >= 1, 'the rules found problems, so the schema asks for a cause');
    const ids = new Set(oom.evidence.map((e) => e.id));
    for (const c of result.answer.likelyCauses) for (const id of c.evidence) assert.ok(ids.has(id), `cites ${id}`);
    assert.ok(result.prompt.estimatedTokens <= 1024);

    const request = llm.requests.at(-1)?.body as {
      stream: boolean;
      format: { properties: Record<string, unknown> };
      options: Record<string, unknown>;
    };
    assert.equal(request.stream, false);
    const enumIds = (request.format.properties.likelyCauses as { items: { properties: { evidence: { items: { enum: string[] } } } } }).items
      .properties.evidence.items.enum;
    assert.ok(enumIds.length > 0 && enumIds.every((id) => ids.has(id)), 'format limits evidence to the ids sent');
  });

  it('sends no names when anonymising and maps the answer back to real ids', async () => {
    const result = await analyse(oom, {
      endpoint: llm.url,
      model: llm.model,
      timeout: '60s',
      retries: 1,
      maxInputTokens: 1024,
      anonymize: true,
    });
    assert.equal(result.status, 'Succeeded', JSON.stringify(result));
    const sent = JSON.stringify(llm.requests.at(-1)?.body);
    for (const name of ['api-6c8f7d9b5-x2x8q', 'toe-node-1', 'registry.example.com/shop/api:4.2.0', '"shop"', '_shop(']) {
      assert.ok(!sent.includes(name), `${name} was sent`);
    }
    assert.match(sent, /pod-1/);
    if (result.status !== 'Succeeded') return;
    const ids = new Set(oom.evidence.map((e) => e.id));
    for (const c of result.answer.likelyCauses) for (const id of c.evidence) assert.ok(ids.has(id), `answer id ${id} is not a real id`);
  });

  it('times out mid-generation, and the engine serves the next request', async () => {
    const result = await analyse(oom, { endpoint: llm.url, model: llm.model, timeout: '100ms', retries: 0, maxInputTokens: 1024 });
    assert.equal(result.status, 'Failed');
    if (result.status === 'Failed') assert.match(result.reason, /no answer within 0\.1s/);
    const next = await analyse(oom, { endpoint: llm.url, model: llm.model, timeout: '60s', retries: 0, maxInputTokens: 512 });
    assert.equal(next.status, 'Succeeded', JSON.stringify(next));
  });

  it('fails at once, without retrying, when the model does not exist', async () => {
    const result = await analyse(oom, { endpoint: llm.url, model: 'llama3.1:8b', timeout: '30s', retries: 3 });
    assert.equal(result.status, 'Failed');
    if (result.status !== 'Failed') return;
    assert.equal(result.attempts, 1);
    assert.match(result.reason, /404.*not found/);
  });
});

describe('analyse against endpoints that fail', () => {
  it('returns None when no analysis is configured, and the findings stand alone', async () => {
    const result = await analyse(oom, undefined);
    assert.deepEqual(result, { status: 'None' });
    assert.ok(oom.findings.some((f) => f.cause === 'OOMKilled'));
  });

  it('fails with a reason when the endpoint is unreachable, without waiting for the timeout', async () => {
    const url = await closedPort();
    const started = Date.now();
    const result = await analyse(oom, { endpoint: url, model: 'm', timeout: '30s', retries: 2 });
    assert.equal(result.status, 'Failed');
    if (result.status !== 'Failed') return;
    assert.equal(result.attempts, 3);
    assert.match(result.reason, /cannot reach Ollama at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    // Refused connections fail in milliseconds; anything near 30 s would mean a wait on the timeout.
    assert.ok(Date.now() - started < 10_000);
  });

  it('gives up after timeout × attempts on an endpoint that never answers', async () => {
    const silent = await listen(() => undefined);
    try {
      const started = Date.now();
      const result = await analyse(oom, { endpoint: silent.url, model: 'm', timeout: '1s', retries: 1 });
      const elapsed = Date.now() - started;
      assert.equal(result.status, 'Failed');
      if (result.status !== 'Failed') return;
      assert.equal(result.attempts, 2);
      assert.equal(silent.hits(), 2);
      assert.match(result.reason, /no answer within 1s/);
      assert.ok(elapsed >= 1900, `gave up after ${elapsed} ms`);
      assert.ok(elapsed < 10_000, `hung for ${elapsed} ms`);
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it('rejects an answer citing evidence that was not sent, retries, then fails', async () => {
    const answer = {
      summary: 'The pod ran out of memory.',
      likelyCauses: [{ cause: 'memory leak', confidence: 0.8, evidence: ['ev-made-up'] }],
      nextSteps: ['raise the limit'],
    };
    const liar = await listen((_req, res) => res.end(chatReply(JSON.stringify(answer))));
    try {
      const result = await analyse(oom, { endpoint: liar.url, model: 'm', timeout: '5s', retries: 2 });
      assert.equal(result.status, 'Failed');
      if (result.status !== 'Failed') return;
      assert.equal(result.attempts, 3);
      assert.equal(liar.hits(), 3);
      assert.equal(result.errors.length, 3);
      for (const e of result.errors) assert.match(e, /cites evidence that is not in the input: ev-made-up/);
    } finally {
      liar.server.close();
    }
  });

  it('rejects answers that are not JSON or miss the schema, and takes a good one on retry', async () => {
    const good = {
      summary: 'OOM.',
      likelyCauses: [
        { cause: 'memory limit too low', confidence: 0.9, evidence: [oom.evidence.find((e) => e.kind === 'container-oom-killed')?.id] },
      ],
      nextSteps: [],
    };
    const replies = [
      'I think it is memory.',
      JSON.stringify({ summary: 'x', likelyCauses: [{ cause: 'y', confidence: 7, evidence: ['ev-run'] }], nextSteps: [] }),
      JSON.stringify(good),
    ];
    const flaky = await listen((_req, res) => res.end(chatReply(replies.shift() ?? '')));
    try {
      const result = await analyse(oom, { endpoint: flaky.url, model: 'm', timeout: '5s', retries: 2 });
      assert.equal(result.status, 'Succeeded', JSON.stringify(result));
      if (result.status !== 'Succeeded') return;
      assert.equal(result.attempts, 3);
      assert.deepEqual(result.answer.likelyCauses[0]?.evidence, good.likelyCauses[0]?.evidence);
    } finally {
      flaky.server.close();
    }
  });
});
