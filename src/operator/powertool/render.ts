import { createHash } from 'node:crypto';
import type { V1EphemeralContainer, V1EnvVar, V1VolumeMount } from '@kubernetes/client-node';
import type { PowerTool, ResolvedTool } from '../../api/index.ts';

/** Where the tool finds the target pod's volumes: fixed paths, so a tool never learns them from user input. */
export const VOLUME_MOUNT_PATH = '/toe/volume';
export const OUTPUT_MOUNT_PATH = '/toe/output';

/**
 * `toe-<tool>-<id>`: the id hashes the PowerTool and pod UIDs, so the same run on the same pod always has the same
 * name. A second reconcile (or a restarted operator) finds it in the pod spec and does not inject again.
 * Ephemeral container names share the 63-character DNS label limit, hence the cut of long tool names.
 */
export function ephemeralName(tool: string, runUID: string, podUID: string): string {
  const id = createHash('sha256').update(`${runUID}/${podUID}`).digest('hex').slice(0, 8);
  return `toe-${tool.slice(0, 50).replace(/-+$/, '')}-${id}`;
}

export interface RenderInput {
  pt: PowerTool & { metadata: { uid?: string } };
  /** The run's record of its tool (status.resolvedTool), never the config as it is now. */
  tool: ResolvedTool;
  target: { pod: string; podUID: string; container: string };
  durationMs: number;
  deadline: Date;
  collector?: { url: string; token: string };
}

/**
 * The ephemeral container for one target, as plain data. Never `resources`: the API refuses them on ephemeral
 * containers (they cannot change the pod's QoS), so the budget travels as TOE_CPU_LIMIT / TOE_MEMORY_LIMIT and the
 * tool enforces it. The command and args are arrays: nothing here passes through a shell.
 */
export function renderContainer(input: RenderInput): V1EphemeralContainer {
  const { pt, tool, target } = input;
  const env: V1EnvVar[] = [
    ...(tool.env ?? []).filter((e) => !e.name.startsWith('TOE_')),
    { name: 'TOE_TOOL', value: pt.spec.tool.name },
    { name: 'TOE_RUN_ID', value: pt.metadata.uid ?? '' },
    { name: 'TOE_POWERTOOL', value: `${pt.metadata.namespace ?? ''}/${pt.metadata.name}` },
    { name: 'TOE_NAMESPACE', value: pt.metadata.namespace ?? '' },
    { name: 'TOE_POD', value: target.pod },
    { name: 'TOE_POD_UID', value: target.podUID },
    { name: 'TOE_TARGET_CONTAINER', value: target.container },
    { name: 'TOE_DURATION_SECONDS', value: String(Math.ceil(input.durationMs / 1000)) },
    { name: 'TOE_DEADLINE', value: input.deadline.toISOString() },
    { name: 'TOE_OUTPUT_MODE', value: pt.spec.output.mode },
  ];
  const mounts: V1VolumeMount[] = [];
  if (pt.spec.output.mode === 'pvc' && pt.spec.output.volume) {
    // The API forbids subPath on an ephemeral container's mount: the volume is mounted whole and the tool writes
    // below TOE_OUTPUT_SUBPATH inside it.
    mounts.push({ name: pt.spec.output.volume.name, mountPath: OUTPUT_MOUNT_PATH });
    env.push({ name: 'TOE_OUTPUT_DIR', value: OUTPUT_MOUNT_PATH });
    if (pt.spec.output.volume.subPath) env.push({ name: 'TOE_OUTPUT_SUBPATH', value: pt.spec.output.volume.subPath });
  }
  if (pt.spec.output.mode === 'collector' && input.collector) {
    env.push({ name: 'TOE_COLLECTOR_URL', value: input.collector.url }, { name: 'TOE_COLLECTOR_TOKEN', value: input.collector.token });
  }
  if (pt.spec.volume && tool.volume !== 'none') {
    mounts.push({ name: pt.spec.volume.name, mountPath: VOLUME_MOUNT_PATH });
    env.push({ name: 'TOE_VOLUME_PATH', value: VOLUME_MOUNT_PATH });
  }
  const limits = tool.resources?.limits;
  if (limits?.cpu) env.push({ name: 'TOE_CPU_LIMIT', value: limits.cpu });
  if (limits?.memory) env.push({ name: 'TOE_MEMORY_LIMIT', value: limits.memory });

  const container: V1EphemeralContainer = {
    name: ephemeralName(pt.spec.tool.name, pt.metadata.uid ?? '', target.podUID),
    image: tool.image,
    imagePullPolicy: tool.imagePullPolicy,
    command: [...(tool.command ?? [])],
    args: [...tool.argv],
    env,
    targetContainerName: target.container,
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    stdin: false,
    tty: false,
  };
  if (mounts.length > 0) container.volumeMounts = mounts;
  if (tool.securityContext) container.securityContext = structuredClone(tool.securityContext);
  return container;
}

/** The container with secrets masked, for status.rendered and logs. */
export function redactContainer(c: V1EphemeralContainer): V1EphemeralContainer {
  return { ...c, env: c.env?.map((e) => (e.name === 'TOE_COLLECTOR_TOKEN' ? { name: e.name, value: '[redacted]' } : e)) };
}
