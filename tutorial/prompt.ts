/** Asking the person at the terminal, one line at a time; or nobody, with --yes. */
import { createInterface } from 'node:readline';

export interface Prompt {
  /** The line typed (without its newline), or undefined when the input ended (Ctrl-D, a closed pipe). */
  ask(question: string): Promise<string | undefined>;
  close(): void;
}

export function linePrompt(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompt {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  return {
    ask(question) {
      output.write(question);
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}

/** --yes: every question answered with Enter at once. */
export function autoPrompt(): Prompt {
  return { ask: () => Promise.resolve(''), close: () => undefined };
}
