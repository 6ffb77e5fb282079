/**
 * The answer an LLM must give, defined once in zod: it validates the reply, and its JSON Schema goes to Ollama as
 * `format` so the model is constrained to it while it generates. The schema sent names the evidence ids of this
 * very prompt as an enum, which keeps a constrained model grounded; the check after parsing still rejects any id
 * that was not sent, because not every server enforces a schema fully.
 */
import { z } from 'zod';

const summary = z.string().min(1).max(2000).describe('What went wrong, in two or three sentences.');
const cause = z.string().min(1).max(200).describe('A likely root cause, in a few words.');
const confidence = z.number().min(0).max(1).describe('How likely this cause is, from 0 to 1.');
const nextSteps = z.array(z.string().min(1).max(500)).max(8).describe('What to check or change next, most useful first.');

const causeWith = (evidence: z.ZodType<string>) =>
  z
    .object({
      cause,
      confidence,
      evidence: z.array(evidence).min(1).max(10).describe('Ids of the evidence items this cause rests on, exactly as given.'),
    })
    .strict();

const answerWith = (evidence: z.ZodType<string>, minCauses = 0) =>
  z
    .object({
      summary,
      likelyCauses: z.array(causeWith(evidence)).min(minCauses).max(5).describe('Likely root causes, most likely first.'),
      nextSteps,
    })
    .strict();

/** The answer as validated on the way back: any string as an id, grounding is checked separately. */
export const answerSchema = answerWith(z.string().min(1).max(256));
export type Answer = z.infer<typeof answerSchema>;

/**
 * The JSON Schema for Ollama's `format`: the answer with `evidence` items limited to the ids sent, and at least
 * one likely cause when the rules found something to explain (an empty list would be grounded and useless).
 */
export function answerFormat(evidenceIds: readonly string[], needsCause = false): Record<string, unknown> {
  const ids = [...new Set(evidenceIds)];
  const schema =
    ids.length > 0
      ? answerWith(z.enum(ids as [string, ...string[]]), needsCause ? 1 : 0)
      : answerWith(z.string()).extend({ likelyCauses: z.array(causeWith(z.string())).max(0) });
  return z.toJSONSchema(schema) as Record<string, unknown>;
}

/** The ids an answer cites that were not in the prompt; empty when it is grounded. */
export function ungroundedIds(answer: Answer, sent: ReadonlySet<string>): string[] {
  return [...new Set(answer.likelyCauses.flatMap((c) => c.evidence).filter((id) => !sent.has(id)))];
}
