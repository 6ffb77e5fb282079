/**
 * HTML built from tagged templates that escape every interpolated value, so a string from an artifact (a function
 * named `<script>`, a pod label, a syscall line) can only ever be text. Markup is composed from `Html` values;
 * `raw` is for the few constants this module family writes itself (inline script and style).
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escape(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] as string;
  parts.forEach((p, i) => {
    out += render(p) + (strings[i + 1] as string);
  });
  return new Html(out);
}

export function raw(text: string): Html {
  return new Html(text);
}

export function join(parts: Part[]): Html {
  return new Html(render(parts));
}
