import type { z } from 'zod';
import { powerToolSpec } from '../api/index.ts';

/** The spec as sent: what the user gave, so the API server fills the defaults as it does for kubectl apply. */
export type RunSpecInput = z.input<typeof powerToolSpec>;
import { parseSelector } from './selector.ts';

/** `kubectl toe run`'s flags, as parsed from argv. */
export interface RunFlags {
  tool: string;
  selector: string;
  pods?: string[];
  container?: string;
  duration?: string;
  maxTargets?: string;
  output?: string;
  dryRun: boolean;
  args: string[];
}

/**
 * The PowerTool a `run` asks for, checked by the same zod schema the CRD is generated from, so a bad flag is refused
 * here with the field it maps to, before anything is sent.
 */
export function runSpec(f: RunFlags): RunSpecInput {
  const maxTargets = f.maxTargets === undefined ? undefined : Number(f.maxTargets);
  if (maxTargets !== undefined && !Number.isInteger(maxTargets))
    throw new Error(`--max-targets must be a whole number, got "${f.maxTargets}"`);
  const input = {
    targets: {
      selector: { matchLabels: parseSelector(f.selector) },
      ...(f.pods?.length ? { pods: f.pods } : {}),
      ...(f.container ? { container: f.container } : {}),
      ...(maxTargets !== undefined ? { maxTargets } : {}),
    },
    tool: { name: f.tool, args: f.args, ...(f.duration ? { duration: f.duration } : {}) },
    ...(f.output ? { output: { mode: f.output } } : {}),
    ...(f.dryRun ? { dryRun: true } : {}),
  };
  const parsed = powerToolSpec.safeParse(input);
  if (!parsed.success) {
    const flagOf: Record<string, string> = {
      'targets.selector': '--selector',
      'targets.pods': '--pod',
      'targets.container': '--container',
      'targets.maxTargets': '--max-targets',
      'tool.name': 'TOOL',
      'tool.duration': '--duration',
      'tool.args': 'the arguments after --',
      'output.mode': '--output-mode',
    };
    throw new Error(
      parsed.error.issues
        .map((i) => {
          const path = i.path.join('.');
          const flag = Object.entries(flagOf).find(([p]) => path.startsWith(p))?.[1];
          return `${flag ?? path} (spec.${path}): ${i.message}`;
        })
        .join('; '),
    );
  }
  return input as RunSpecInput;
}
