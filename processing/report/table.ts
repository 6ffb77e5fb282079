/** Sortable tables: each cell may carry a numeric sort value (`data-v`) beside its formatted text. */
import { html, join, type Html } from './html.ts';

export interface Column<T> {
  title: string;
  cell: (row: T) => string | Html;
  sort?: (row: T) => number;
  className?: string;
}

export function renderTable<T>(columns: Column<T>[], rows: T[], caption?: string): Html {
  const head = columns.map((c) => html`<th scope="col" class="${c.sort ? 'num' : ''}">${c.title}</th>`);
  const body = rows.map(
    (r) =>
      html`<tr>${columns.map((c) => (c.sort ? html`<td class="num ${c.className ?? ''}" data-v="${c.sort(r)}">${c.cell(r)}</td>` : html`<td class="${c.className ?? ''}">${c.cell(r)}</td>`))}</tr>`,
  );
  return html`<div class="tablewrap"><table class="sortable">${caption ? html`<caption class="muted">${caption}</caption>` : ''}<thead><tr>${join(head)}</tr></thead><tbody>${join(body)}</tbody></table></div>`;
}
