import { GROUP, VERSION } from '../../src/api/index.ts';
import type { Clients } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';

/**
 * Waits until the API server serves spec.steadyState. installCrds waits for Established, which a CRD updated in place
 * already is: for a moment after the update the old schema still prunes the new field (seen on the shared cluster).
 * A server-side dry-run create shows which schema is in force without storing anything; `tool` names an existing
 * config, so that an admission webhook, if one is registered, lets it through.
 */
export async function untilSteadyStateServed(
  clients: Clients,
  namespace: string,
  tool: string,
  probe: Record<string, unknown> = { name: 'p', kind: 'kubernetes', kubernetes: { maxRestarts: 0 } },
): Promise<void> {
  const kind = String(probe.kind);
  await waitFor('spec.steadyState served', async () => {
    const created = (await clients.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'powertools',
      dryRun: 'All',
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'PowerTool',
        metadata: { name: 'served-probe' },
        spec: {
          targets: { selector: { matchLabels: { app: 'none' } } },
          tool: { name: tool },
          steadyState: [probe],
        },
      },
    })) as { spec?: { steadyState?: Record<string, unknown>[] } };
    // The probe's own field too: an older schema prunes a kind it does not know (the prometheus one, say).
    return created.spec?.steadyState?.[0]?.[kind] !== undefined;
  });
}
