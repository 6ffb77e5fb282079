/**
 * Shell completion for `kubectl toe`: one engine, the words in and the candidates out, which the bash, zsh and fish
 * scripts (completion-scripts.ts) and kubectl's own plugin completion (`kubectl_complete-toe`) all call. Names
 * come from the cluster through `lookup`; a cluster that does not answer gives no names, never an error.
 */
export const VERBS = ['run', 'get', 'describe', 'logs', 'report', 'stop', 'completion'] as const;
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

const COMMON = ['--namespace', '-n', '--context', '--help'];
const FLAGS: Record<(typeof VERBS)[number], string[]> = {
  run: [
    '--selector',
    '-l',
    '--pod',
    '--container',
    '--duration',
    '--max-targets',
    '--output-mode',
    '--name',
    '--dry-run',
    '--operator-namespace',
  ],
  get: ['--all-namespaces', '-A', '--output', '-o'],
  describe: [],
  logs: ['--pod', '--tail'],
  report: [],
  stop: ['--all', '--reason', '--clear', '--status'],
  completion: [],
};
/** Flags whose next word is their value, and what that value can be. */
const VALUES: Record<string, 'namespaces' | readonly string[] | 'free'> = {
  '-n': 'namespaces',
  '--namespace': 'namespaces',
  '--operator-namespace': 'namespaces',
  '--output-mode': ['logs', 'pvc', 'collector'],
  '-o': ['text', 'json'],
  '--output': ['text', 'json'],
  '--duration': ['10s', '30s', '1m', '5m'],
  '--selector': 'free',
  '-l': 'free',
  '--pod': 'free',
  '--container': 'free',
  '--max-targets': 'free',
  '--name': 'free',
  '--context': 'free',
  '--tail': 'free',
  '--reason': 'free',
};

export interface Lookup {
  tools(): Promise<string[]>;
  powerTools(namespace: string | undefined): Promise<string[]>;
  namespaces(): Promise<string[]>;
}

/** `words` are the command line after the program name; the last one is being typed (possibly empty). */
export async function complete(words: readonly string[], lookup: Lookup): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const done = words.slice(0, -1);
  const match = (xs: readonly string[]): string[] => xs.filter((x) => x.startsWith(current));
  const verb = done[0];
  if (verb === undefined) return match(VERBS);
  if (!(VERBS as readonly string[]).includes(verb)) return [];
  if (done.includes('--')) return [];
  const previous = done.at(-1) ?? '';
  const value = done.length > 1 ? VALUES[previous] : undefined;
  if (value === 'namespaces') return match(await lookup.namespaces().catch(() => []));
  if (value === 'free') return [];
  if (value) return match(value);
  if (current.startsWith('-')) return match([...FLAGS[verb as (typeof VERBS)[number]], ...COMMON]);
  // Positionals so far: words after the verb that are neither flags nor a flag's value.
  const positionals = done.slice(1).filter((w, i, all) => !w.startsWith('-') && !(i > 0 && VALUES[all[i - 1] ?? ''] !== undefined));
  if (positionals.length > 0) return [];
  if (verb === 'completion') return match(SHELLS);
  if (verb === 'run') return match(await lookup.tools().catch(() => []));
  const nsAt = done.findIndex((w) => w === '-n' || w === '--namespace');
  const namespace = nsAt >= 0 ? done[nsAt + 1] : undefined;
  return match(await lookup.powerTools(namespace).catch(() => []));
}
