/**
 * A step's command line into argv, without a shell: words split on blanks, '…' and "…" keep a word whole (no
 * escapes inside, as the shell does for '…'), $NAME is replaced from the values earlier steps found. Pure.
 */
export function substitute(line: string, vars: Readonly<Record<string, string>>): string {
  return line.replace(/\$([A-Z][A-Z0-9_]*)/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`the command needs $${name}, which no earlier step set: run the tutorial from the start`);
    return v;
  });
}

export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in: ${line}`);
  if (inWord) words.push(word);
  return words;
}
