/** Restarts: crash loops of the app or of a sidecar beside it, and images that cannot be pulled. */
import type { Finding } from '../types.ts';
import { events, finding, num, ofKind, sameTarget, str, subjectKey, type Rule } from './rule.ts';

/** Kubelet backs off after repeated exits; three restarts in one run is a loop, not bad luck. */
const LOOP_RESTARTS = 3;
const pullReasons = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable'];

export const crashLoop: Rule = (evidence) => {
  const out: Finding[] = [];
  const waiting = ofKind(evidence, 'container-waiting').filter((e) => e.data.reason === 'CrashLoopBackOff');
  const restarts = ofKind(evidence, 'container-restarts').filter((e) => (num(e, 'restartCount') ?? 0) >= LOOP_RESTARTS);
  const seen = new Set<string>();
  for (const anchor of [...waiting, ...restarts]) {
    const key = subjectKey(anchor);
    if (seen.has(key)) continue;
    seen.add(key);
    const role = str(anchor, 'role');
    if (role === 'tool') continue;
    const sidecar = role === 'sidecar';
    const related = evidence.filter(
      (e) =>
        sameTarget(e, anchor) &&
        (e.kind.startsWith('container-') || (e.kind === 'event' && ['BackOff', 'Killing'].includes(String(e.data.reason)))),
    );
    const terminated = related.find((e) => e.kind === 'container-terminated');
    const why = terminated
      ? `It last exited with ${String(terminated.data.reason ?? 'an error')} (code ${String(terminated.data.exitCode ?? '?')}).`
      : '';
    out.push(
      finding(
        sidecar ? 'CrashLoopingSidecar' : 'CrashLoop',
        'critical',
        key,
        sidecar
          ? `Sidecar ${anchor.subject.container} of ${anchor.subject.pod} is crash-looping`
          : `${anchor.subject.container} of ${anchor.subject.pod} is crash-looping`,
        `${why} ${sidecar ? 'The sidecar restarts while the app keeps running; its failures can still break the app (proxies, log shippers, config reloaders). ' : ''}Read the previous container's log (kubectl logs --previous).`.trim(),
        [anchor, ...related],
      ),
    );
  }
  return out;
};

export const imagePullFailure: Rule = (evidence) => {
  const out: Finding[] = [];
  const pullEvents = [
    ...events(evidence, ['Failed'], /pull|image/i),
    ...events(evidence, ['BackOff'], /pulling image/i),
    ...events(evidence, ['ErrImageNeverPull', 'InspectFailed']),
  ];
  const waiting = ofKind(evidence, 'container-waiting').filter((e) => pullReasons.includes(String(e.data.reason)));
  for (const w of waiting) {
    out.push(
      finding(
        'ImagePullFailure',
        str(w, 'role') === 'tool' ? 'warning' : 'critical',
        subjectKey(w),
        `The image of ${w.subject.container} in ${w.subject.pod} cannot be pulled`,
        `${String(w.data.reason)}: ${String(w.data.message ?? '')} Check the image name and tag, the registry's reachability from the node, and imagePullSecrets.`,
        [w, ...pullEvents.filter((e) => sameTarget(e, w))],
      ),
    );
  }
  const unmatched = pullEvents.filter((e) => !waiting.some((w) => sameTarget(e, w)));
  if (unmatched.length > 0) {
    out.push(finding('ImagePullFailure', 'critical', 'events', 'Image pulls failed', 'Events report failed image pulls.', unmatched));
  }
  return out;
};
