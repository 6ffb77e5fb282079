/**
 * The machine-readable files written beside each HTML report, by suffix: `<id>.report.json` (the versioned
 * document), `<id>.targets.csv` (the per-target table), `<id>.junit.xml` (probe and target verdicts for CI).
 */
import type { ReportModel } from '../model.ts';
import { targetsCsv } from './csv.ts';
import { reportDocumentOf } from './document.ts';
import { reportJunit } from './junit.ts';

export interface ResultFile {
  suffix: string;
  label: string;
  render: (model: ReportModel) => string;
}

export const RESULT_FILES: readonly ResultFile[] = [
  { suffix: '.report.json', label: 'JSON', render: (m) => `${JSON.stringify(reportDocumentOf(m), null, 2)}\n` },
  { suffix: '.targets.csv', label: 'CSV', render: (m) => targetsCsv(m.targets ?? []) },
  { suffix: '.junit.xml', label: 'JUnit XML', render: reportJunit },
];
