/** The tool's own run: failures, partial output, and signals the target could not receive. */
import { finding, num, ofKind, str, subjectKey, type Rule } from './rule.ts';

const signalReasons = ['SignalNotDeliverable'];

export const signalNotDeliverable: Rule = (evidence) => {
  const results = ofKind(evidence, 'tool-result').filter(
    (e) => signalReasons.includes(str(e, 'exitReason') ?? '') || signalReasons.includes(str(e, 'reason') ?? ''),
  );
  const conditions = ofKind(evidence, 'powertool-condition').filter((e) => e.data.type === 'SignalNotDeliverable');
  if (results.length === 0 && conditions.length === 0) return [];
  const pods = results.map((e) => e.subject.pod).join(', ');
  return [
    finding(
      'SignalNotDeliverable',
      'warning',
      'run',
      `The signal could not be delivered${pods ? ` to ${pods}` : ''}`,
      'The target process is PID 1 of its PID namespace and has no handler for the signal, so the kernel drops it (and never delivers SIGKILL from inside). Add a handler (e.g. SIGTERM for graceful shutdown), run the app under an init such as tini, or enable shareProcessNamespace.',
      [...results, ...conditions],
    ),
  ];
};

export const toolFailed: Rule = (evidence) =>
  ofKind(evidence, 'tool-result')
    .filter((e) => {
      if (signalReasons.includes(str(e, 'exitReason') ?? '') || signalReasons.includes(str(e, 'reason') ?? '')) return false;
      const code = num(e, 'exitCode');
      return e.data.phase === 'Failed' || (code !== undefined && code !== 0) || e.data.exitReason === 'Error';
    })
    .map((e) =>
      finding(
        'ToolFailed',
        'warning',
        subjectKey(e),
        `The tool failed on ${e.subject.pod}`,
        `Exit code ${num(e, 'exitCode') ?? 'unknown'}${str(e, 'reason') ? `, ${str(e, 'reason')}` : ''}${str(e, 'message') ? `: ${str(e, 'message')}` : ''}. What it collected before failing is in the report when the artifacts list it.`,
        [e, ...evidence.filter((o) => o.kind === 'container-waiting' && o.subject.pod === e.subject.pod && o.data.role === 'tool')],
      ),
    );

export const partialData: Rule = (evidence) =>
  ofKind(evidence, 'partial-artifacts').map((e) =>
    finding(
      'PartialData',
      'info',
      subjectKey(e),
      `The output from ${e.subject.pod} is partial`,
      'The tool stopped before it finished (stopped early, its deadline, or the target exited); what it streamed before is kept and marked partial.',
      [e],
    ),
  );
