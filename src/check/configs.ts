import type { V1Node } from '@kubernetes/client-node';
import type { PowerToolConfig } from '../api/index.ts';
import { ok, problem, type Finding } from './finding.ts';

/** Every image a node reports holding, by each of its names (tags and digests). */
export function imagesOnNodes(nodes: readonly V1Node[]): Set<string> {
  return new Set(nodes.flatMap((n) => (n.status?.images ?? []).flatMap((i) => i.names ?? [])));
}

/**
 * The tools an admin defined: each Ready, and its image where the kubelet can get it. Nodes report the images they
 * hold; with imagePullPolicy Never one missing from every node fails every run, while for the other policies the
 * first run pulls it, which only a real pull can prove (the warning says from where).
 * `images` is undefined when nodes cannot be listed.
 */
export function checkConfigs(configs: readonly PowerToolConfig[], operatorNamespace: string, images: Set<string> | undefined): Finding[] {
  if (configs.length === 0) {
    return [
      problem(
        'configs',
        'fail',
        `namespace ${operatorNamespace}`,
        'no PowerToolConfig is defined: no tool can run',
        `kubectl apply -n ${operatorNamespace} -f samples/configs/ (or install the chart, which carries them)`,
      ),
    ];
  }
  const findings: Finding[] = [];
  for (const c of configs) {
    const tool = c.spec.tool.name;
    const subject = `PowerToolConfig ${operatorNamespace}/${c.metadata.name}`;
    const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
    if (ready?.status !== 'True') {
      findings.push(
        problem(
          'configs',
          'fail',
          subject,
          `tool ${tool} is not Ready: ${ready?.message ?? 'no operator has checked it yet'}`,
          `kubectl describe powertoolconfig -n ${operatorNamespace} ${c.metadata.name}`,
        ),
      );
      continue;
    }
    if (c.spec.action === 'evict' || !c.spec.image) {
      findings.push(ok('configs', subject, `tool ${tool} is Ready`));
      continue;
    }
    const image = c.spec.image;
    const policy = c.spec.imagePullPolicy ?? 'IfNotPresent';
    if (images === undefined || images.has(image)) {
      findings.push(ok('configs', subject, `tool ${tool} is Ready${images ? `; ${image} is on a node` : ''}`));
    } else if (policy === 'Never') {
      findings.push(
        problem(
          'configs',
          'fail',
          subject,
          `${image} is on no node and imagePullPolicy is Never: every run of ${tool} fails to start`,
          'import the image into the nodes (on the local cluster: toe cluster images), or push it to a registry and set imagePullPolicy IfNotPresent',
        ),
      );
    } else {
      const registry = image.includes('/') ? image.split('/')[0] : 'docker.io';
      findings.push(
        problem(
          'configs',
          'warn',
          subject,
          `${image} is on no node yet: the first run of ${tool} pulls it from ${registry}`,
          `make sure the nodes can pull from ${registry} (an imagePullSecret on the target pods' ServiceAccount if it is private)`,
        ),
      );
    }
  }
  return findings;
}
