import { z } from 'zod';
import type { Comparison, SteadyStateConfig, SteadyStateProbe } from '../../../api/index.ts';
import { parseDuration } from '../../../api/units.ts';
import type { CheckResult } from './evaluate.ts';

type PrometheusProbe = NonNullable<SteadyStateProbe['prometheus']>;

/**
 * The prometheus probe (issue 11): one instant query (GET <url>/api/v1/query) whose answer must be exactly one
 * number. Anything else (no series, several, a NaN, a histogram sample, an error) fails with a value that says
 * which: a steady state the probe cannot read is not a held one. The response format is Prometheus's HTTP API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats).
 */
const sample = z.tuple([z.number(), z.string()]);
const queryResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample.optional() })),
      }),
      z.object({ resultType: z.literal('scalar'), result: sample }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: sample }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

/** A query's answer reduced to its one value, or why it has none. */
export type QueryValue = { value: number; series?: string } | { error: string };

export function parseQueryResponse(body: unknown): QueryValue {
  const parsed = queryResponse.safeParse(body);
  if (!parsed.success) return { error: 'the answer is not a Prometheus query response' };
  const r = parsed.data;
  if (r.status === 'error') return { error: `query error (${r.errorType ?? 'unknown'}): ${r.error ?? ''}` };
  const data = r.data;
  if (data.resultType === 'scalar') return numberOf(data.result[1]);
  if (data.resultType !== 'vector') return { error: `the query returned a ${data.resultType}, not one sample` };
  if (data.result.length === 0) return { error: 'the query returned no series' };
  if (data.result.length > 1) return { error: `the query returned ${data.result.length} series, not one` };
  const [only] = data.result;
  if (!only?.value) return { error: 'the series has a histogram sample, not a number' };
  const n = numberOf(only.value[1]);
  return 'value' in n ? { ...n, series: seriesName(only.metric) } : n;
}

/** Prometheus writes sample values as strings: "1.5", "NaN", "+Inf", "-Inf". */
function numberOf(text: string): QueryValue {
  const value = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
  if (Number.isNaN(value)) return { error: `the value is ${text}` };
  return { value };
}

function seriesName(metric: Record<string, string>): string {
  const { __name__: name = '', ...labels } = metric;
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
}

export function compare(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

export function judgePrometheus(spec: PrometheusProbe, answer: QueryValue): CheckResult {
  if ('error' in answer) return { ok: false, value: answer.error };
  const wanted = `${spec.comparison} ${spec.threshold}`;
  const ok = compare(answer.value, spec.comparison, spec.threshold);
  return { ok, value: `value ${answer.value}${ok ? `, ${wanted}` : `, wanted ${wanted}`}` };
}

/** The server a probe names, or the first one configured; undefined when there is none. */
export function serverFor(config: SteadyStateConfig | undefined, name: string | undefined): { name: string; url: string } | undefined {
  const servers = config?.prometheus ?? [];
  return name === undefined ? servers[0] : servers.find((s) => s.name === name);
}

/** The instant query. An HTTP error with a Prometheus error body says the server's reason (a bad query is a 400). */
export async function queryPrometheus(baseUrl: string, spec: PrometheusProbe): Promise<QueryValue> {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/api/v1/query`);
  url.searchParams.set('query', spec.query);
  const timeoutMs = parseDuration(spec.timeout) ?? 2_000;
  // Prometheus stops the query at its own timeout too, so a slow query does not keep running on the server.
  url.searchParams.set('timeout', `${timeoutMs / 1000}s`);
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const answer = parseQueryResponse(body);
    if (res.ok) return answer;
    const reason = 'error' in answer && answer.error.startsWith('query error') ? `: ${answer.error}` : ' from the Prometheus server';
    return { error: `HTTP ${res.status}${reason}` };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError') return { error: `no answer within ${spec.timeout}` };
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    return { error: `request failed: ${cause}` };
  }
}
