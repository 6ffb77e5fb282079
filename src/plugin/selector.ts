/**
 * `-l` as kubectl reads it, for the equality forms a PowerTool's matchLabels holds: `k=v`, `k==v`, comma-separated.
 * Set-based forms (`in`, `notin`, `!=`, `!k`) are refused by name rather than approximated: a blast radius must
 * mean exactly what the user typed.
 */
const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export function parseSelector(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const term of text.split(',').map((t) => t.trim())) {
    if (term === '') throw new Error(`--selector "${text}": an empty term`);
    if (/!=|\s(in|notin)\s|^!/.test(term))
      throw new Error(`--selector "${term}": only key=value terms are supported (a PowerTool selects by matchLabels)`);
    const m = /^([^=]+)==?(.*)$/.exec(term);
    if (!m) throw new Error(`--selector "${term}": write key=value`);
    const [, key = '', value = ''] = m;
    if (!KEY.test(key)) throw new Error(`--selector "${term}": "${key}" is not a label key`);
    if (!VALUE.test(value)) throw new Error(`--selector "${term}": "${value}" is not a label value`);
    if (key in labels && labels[key] !== value) throw new Error(`--selector: ${key} given twice with different values`);
    labels[key] = value;
  }
  return labels;
}
