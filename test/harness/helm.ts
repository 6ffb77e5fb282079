/**
 * Helm for the suites that install the chart: built once from its Go module (src/cluster/go/helm, version
 * HELM_VERSION) into the TOE cache, the way `up` builds Traefik, so no download site is needed. `up` never builds
 * it; only the e2e phase's chart suites need it, which run last (test/run.ts) so its cold build overlaps the others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../../src/host/exec.ts';
import { layout } from '../../src/cluster/layout.ts';
import { buildGoProgram, sourceKey } from '../../src/cluster/steps/build-programs.ts';

/** Where the cached binary is, whether or not it has been built. */
export async function helmPath(cacheDir = layout().cacheDir): Promise<string> {
  return join(cacheDir, 'helm', await sourceKey('helm'), 'helm');
}

/** Builds Helm unless cached (cold: minutes of `go build` on two cores) and returns its path. */
export function buildHelm(cacheDir = layout().cacheDir): Promise<string> {
  return buildGoProgram(cacheDir, 'helm');
}

export interface Helm {
  /** Resolves with stdout; rejects with Helm's output (a CommandError). */
  run(args: string[], timeoutMs?: number): Promise<string>;
  dispose(): void;
}

/**
 * Runs that binary against `kubeconfig` with its own cache, config and data folders, so neither the machine's
 * ~/.config/helm (repositories, plugins) nor another run's state takes part.
 */
export function helmRunner(binary: string, kubeconfig?: string): Helm {
  const home = mkdtempSync(join(tmpdir(), 'toe-helm-'));
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
  };
  return {
    run: (args, timeoutMs = 600_000) => exec(binary, args, { env, timeoutMs }),
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}
