import type { V1ObjectReference } from '@kubernetes/client-node';
import { API_VERSION } from '../../api/index.ts';
import type { EventSpec, Recorder } from '../../kube/recorder.ts';

/**
 * Every Event the PowerToolProcessing controller emits, regarding the processing (and, for a one-run report,
 * related to that PowerTool). Emitted when something happened — a report built, pruned, refused — never per pass.
 * Warnings say what to check.
 */
export const reasons = {
  ReportBuilt: 'ReportBuilt',
  ReportFailed: 'ReportFailed',
  AnalysisFailed: 'AnalysisFailed',
  ReportsPruned: 'ReportsPruned',
  ExposeFailed: 'ExposeFailed',
  InvalidSchedule: 'InvalidSchedule',
} as const;

type Ref = { name: string; namespace?: string; uid?: string };

export function processingRef(p: Ref): V1ObjectReference {
  return { apiVersion: API_VERSION, kind: 'PowerToolProcessing', name: p.name, namespace: p.namespace, uid: p.uid };
}

function powerToolRef(namespace: string | undefined, pt: Ref): V1ObjectReference {
  return { apiVersion: API_VERSION, kind: 'PowerTool', name: pt.name, namespace, uid: pt.uid };
}

export class ProcessingEvents {
  constructor(private readonly recorder: Recorder) {}

  private emit(p: Ref, type: EventSpec['type'], reason: string, action: string, note: string, related?: Ref): void {
    this.recorder.emit({
      regarding: processingRef(p),
      ...(related ? { related: powerToolRef(p.namespace, related) } : {}),
      type,
      reason,
      action,
      note,
    });
  }

  built(p: Ref, id: string, powerTools: string[], findings: number, url: string | undefined, related?: Ref): void {
    const what = powerTools.length === 1 ? `PowerTool ${powerTools[0]}` : `${powerTools.length} PowerTools`;
    this.emit(
      p,
      'Normal',
      reasons.ReportBuilt,
      'Build',
      `report ${id} for ${what}: ${findings} finding(s)${url ? ` at ${url}` : ''}`,
      related,
    );
  }
  failed(p: Ref, id: string, message: string, related?: Ref): void {
    this.emit(p, 'Warning', reasons.ReportFailed, 'Build', `report ${id} could not be built, will retry: ${message}`, related);
  }
  analysisFailed(p: Ref, id: string, message: string): void {
    this.emit(
      p,
      'Warning',
      reasons.AnalysisFailed,
      'Analyse',
      `the LLM analysis for report ${id} failed (the report has the deterministic findings); check spec.analysis: ${message}`,
    );
  }
  pruned(p: Ref, ids: string[]): void {
    this.emit(
      p,
      'Normal',
      reasons.ReportsPruned,
      'Prune',
      `deleted ${ids.length} report(s) past the retention: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`,
    );
  }
  exposeFailed(p: Ref, message: string): void {
    this.emit(p, 'Warning', reasons.ExposeFailed, 'Expose', message);
  }
  invalidSchedule(p: Ref, message: string): void {
    this.emit(p, 'Warning', reasons.InvalidSchedule, 'Schedule', `${message}; fix spec.trigger.schedule`);
  }
}
