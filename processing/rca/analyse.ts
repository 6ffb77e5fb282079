/**
 * The LLM half of root-cause analysis: one single-shot chat request to Ollama with the evidence, answered as JSON
 * constrained by the answer's schema, validated with zod and checked for grounding (every cited evidence id must
 * have been sent). Each attempt has the configured timeout; a failed, invalid or ungrounded answer is retried up
 * to `retries` times. It never throws and never outlives timeout × (retries + 1): the deterministic findings
 * must reach the report whatever the LLM does.
 */
import { Ollama, type ChatResponse } from 'ollama';
import { parseDuration } from '../../src/api/units.ts';
import { answerFormat, answerSchema, ungroundedIds, type Answer } from './answer.ts';
import { buildPrompt, type Prompt, type PromptStats } from './prompt.ts';
import type { EvidenceSet } from './types.ts';

/** spec.analysis of a PowerToolProcessing (defaults applied or not). */
export interface AnalysisSpec {
  provider?: 'ollama';
  endpoint: string;
  model: string;
  timeout?: string;
  retries?: number;
  maxInputTokens?: number;
  anonymize?: boolean;
}

export type AnalysisResult =
  | { status: 'None' }
  | { status: 'Succeeded'; answer: Answer; model: string; attempts: number; prompt: PromptStats }
  | { status: 'Failed'; reason: string; attempts: number; errors: string[]; prompt?: PromptStats };

export interface AnalyseOptions {
  /** Cancels the whole analysis (operator shutdown). */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Room for the answer on top of the prompt; Ollama's default context (2048–4096) would silently cut evidence. */
const ANSWER_TOKENS = 2048;

/** A request-level failure that another attempt cannot fix (the model does not exist, the request is refused). */
class Terminal extends Error {}

function describe(err: unknown, endpoint: string, timeoutMs: number, signal: AbortSignal): string {
  if (signal.aborted) return `no answer within ${timeoutMs / 1000}s`;
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string }; status_code?: number };
  if (
    e?.cause?.code === 'ECONNREFUSED' ||
    e?.cause?.code === 'ENOTFOUND' ||
    e?.cause?.code === 'EHOSTUNREACH' ||
    e?.cause?.code === 'ECONNRESET'
  ) {
    return `cannot reach Ollama at ${endpoint} (${e.cause.code}): check spec.analysis.endpoint and that the operator's pod may connect to it`;
  }
  if (typeof e?.status_code === 'number') return `Ollama answered ${e.status_code}: ${e.message ?? ''}`.trim();
  return e?.message ? `${e.message}${e.cause?.message ? ` (${e.cause.message})` : ''}` : String(err);
}

/** Parses, validates and grounds one reply; throws with the reason an answer is refused. */
function accept(content: string, prompt: Prompt): Answer {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new Error(`the answer is not JSON: ${content.slice(0, 120)}`);
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the answer does not match the schema: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const missing = ungroundedIds(parsed.data, new Set(prompt.ids.keys()));
  if (missing.length > 0) throw new Error(`the answer cites evidence that is not in the input: ${missing.slice(0, 5).join(', ')}`);
  const reveal = (s: string): string => (prompt.anonymiser ? prompt.anonymiser.reveal(s) : s);
  return {
    summary: reveal(parsed.data.summary),
    likelyCauses: parsed.data.likelyCauses.map((c) => ({
      cause: reveal(c.cause),
      confidence: c.confidence,
      evidence: c.evidence.map((id) => prompt.ids.get(id) as string),
    })),
    nextSteps: parsed.data.nextSteps.map(reveal),
  };
}

async function attempt(spec: AnalysisSpec, prompt: Prompt, n: number, timeoutMs: number, outer?: AbortSignal): Promise<Answer> {
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([timer, outer]) : timer;
  // The client passes no signal for non-streamed requests; its `fetch` hook is where one fits.
  const client = new Ollama({ host: spec.endpoint, fetch: (input, init) => fetch(input, { ...init, signal }) });
  const numCtx = Math.ceil((prompt.stats.estimatedTokens * 1.5 + ANSWER_TOKENS) / 1024) * 1024;
  const request = client.chat({
    model: spec.model,
    messages: [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ],
    format: answerFormat([...prompt.ids.keys()], prompt.stats.findingsSent > 0),
    stream: false,
    // A low temperature for a factual answer; the seed differs per attempt so a retry is not the same reply again.
    options: { temperature: 0.2, seed: n, num_ctx: numCtx },
  });
  // Belt and braces: whatever the transport does with the signal, the attempt ends when it fires.
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  let reply: ChatResponse;
  try {
    reply = await Promise.race([request, aborted]);
  } catch (err) {
    const code = (err as { status_code?: number }).status_code;
    const message = describe(err, spec.endpoint, timeoutMs, timer);
    if (code !== undefined && code >= 400 && code < 500 && code !== 408 && code !== 429) throw new Terminal(message);
    throw new Error(message);
  } finally {
    request.catch(() => undefined);
  }
  return accept(reply.message?.content ?? '', prompt);
}

export async function analyse(set: EvidenceSet, spec: AnalysisSpec | undefined, options: AnalyseOptions = {}): Promise<AnalysisResult> {
  if (!spec) return { status: 'None' };
  const errors: string[] = [];
  let prompt: Prompt;
  try {
    prompt = buildPrompt(set, spec.maxInputTokens ?? 4096, spec.anonymize ?? false);
  } catch (err) {
    return { status: 'Failed', reason: `could not build the prompt: ${String(err)}`, attempts: 0, errors };
  }
  if (prompt.ids.size === 0)
    return { status: 'Failed', reason: 'no evidence fits the token budget', attempts: 0, errors, prompt: prompt.stats };
  const timeoutMs = parseDuration(spec.timeout ?? '') ?? DEFAULT_TIMEOUT_MS;
  const retries = Number.isInteger(spec.retries) ? (spec.retries as number) : 1;
  const tries = Math.max(0, Math.min(retries, 5)) + 1;
  let n = 0;
  while (n < tries && !options.signal?.aborted) {
    n += 1;
    try {
      const answer = await attempt(spec, prompt, n, timeoutMs, options.signal);
      return { status: 'Succeeded', answer, model: spec.model, attempts: n, prompt: prompt.stats };
    } catch (err) {
      errors.push(`attempt ${n}: ${err instanceof Error ? err.message : String(err)}`);
      if (err instanceof Terminal) break;
    }
  }
  const last = errors.at(-1)?.replace(/^attempt \d+: /, '') ?? 'the analysis was cancelled';
  return { status: 'Failed', reason: `${n} attempt(s) failed; last: ${last}`, attempts: n, errors, prompt: prompt.stats };
}
