import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventsV1Event, V1Pod } from '@kubernetes/client-node';
import type { TargetStatus } from '../../src/api/index.ts';
import { missingPodNotes, ran, relatedEvents, shortLogNote, targetPods } from './targets.ts';

const target = (pod: string, over: Partial<TargetStatus> = {}): TargetStatus => ({
  pod,
  podUID: `uid-${pod}`,
  container: 'app',
  ephemeralContainer: 'toe-cpu-1',
  phase: 'Succeeded',
  ...over,
});
const pod = (name: string, uid = `uid-${name}`): V1Pod => ({ metadata: { name, uid } });
const event = (uid: string, n: number): EventsV1Event => ({ eventTime: new Date(n), regarding: { uid }, metadata: { name: `e${n}` } });

describe('targetPods', () => {
  it('keeps the pods the run targeted and drops a new pod under an old name', () => {
    const targets = [target('web-1'), target('web-2'), target('web-3', { podUID: undefined })];
    const found = [pod('web-1'), pod('web-2', 'uid-recreated'), pod('web-3', 'any')];
    assert.deepEqual(
      targetPods(targets, found).map((p) => p.metadata?.name),
      ['web-1', 'web-3'],
    );
  });

  it('skips targets whose pod is gone', () => {
    assert.deepEqual(targetPods([target('a'), target('b')], [undefined, pod('b')]), [pod('b')]);
  });
});

describe('missingPodNotes', () => {
  it('says nothing when every target pod is there', () => {
    assert.deepEqual(missingPodNotes([target('a')], [pod('a')]), []);
  });

  it('counts every missing pod and names the first five', () => {
    const targets = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => target(n));
    assert.deepEqual(missingPodNotes(targets, [pod('c')]), [
      '6 target pod(s) no longer exist (a, b, d, e, f): their current state is not in this report.',
    ]);
  });
});

describe('relatedEvents', () => {
  it('keeps Events about the run or its pods, the newest when over the cap', () => {
    const items = [
      event('pt', 1),
      event('other', 2),
      event('p1', 3),
      event('pt', 4),
      { eventTime: new Date(5), metadata: { name: 'no-regarding' } },
    ];
    assert.deepEqual(
      relatedEvents(items, ['pt', 'p1', undefined], 2).map((e) => e.metadata?.name),
      ['e3', 'e4'],
    );
  });
});

describe('ran', () => {
  it('is true for the phases in which the tool ran', () => {
    const phases = ['Pending', 'Injected', 'Running', 'Succeeded', 'Failed', 'Stopped', 'Gone'] as const;
    assert.deepEqual(
      phases.filter((phase) => ran(target('a', { phase }))),
      ['Succeeded', 'Failed', 'Stopped'],
    );
  });
});

describe('shortLogNote', () => {
  it('explains a log that served fewer bytes than the tool declared', () => {
    assert.match(shortLogNote('web-1', 'perf.script', 10, 20) ?? '', /^web-1\/perf.script: the log held 10 of its 20 bytes/);
  });

  it('is silent when the bytes are all there or none were declared', () => {
    assert.equal(shortLogNote('web-1', 'perf.script', 20, 20), undefined);
    assert.equal(shortLogNote('web-1', 'perf.script', 20, undefined), undefined);
  });
});
