/**
 * k8s.io/kubernetes cannot be built as a dependency as is: its go.mod replaces every staging module
 * (k8s.io/api, k8s.io/client-go, …) with a ./staging path that only exists in its own repository. A throwaway
 * main module requires it and replaces each of those with the published module of the matching version
 * (v1.34.4 ↔ v0.34.4). The list is read from its go.mod, never kept by hand, so a version bump needs no edit.
 */

/** The module paths that k8s.io/kubernetes's go.mod replaces with ./staging directories. */
export function stagingModules(kubernetesGoMod: string): string[] {
  const out: string[] = [];
  const line = /^\s*(?:replace\s+)?(\S+)\s+=>\s+\.\/staging\/\S+\s*$/;
  for (const l of kubernetesGoMod.split('\n')) {
    const m = line.exec(l);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

/** v1.34.4 → v0.34.4: staging modules are published with major version 0 and the same minor and patch. */
export function stagingVersion(kubernetesVersion: string): string {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(kubernetesVersion);
  if (!m) throw new Error(`unsupported Kubernetes version "${kubernetesVersion}": want v1.MINOR.PATCH`);
  return `v0.${m[1]}.${m[2]}`;
}

/** The `go` and `godebug` lines of k8s.io/kubernetes; godebug only takes effect in the main module, so copy it. */
function directive(goMod: string, name: string): string | undefined {
  return new RegExp(`^${name} (.+)$`, 'm').exec(goMod)?.[1]?.trim();
}

export function buildGoMod(kubernetesVersion: string, kubernetesGoMod: string): string {
  const staging = stagingModules(kubernetesGoMod);
  if (staging.length === 0) throw new Error(`k8s.io/kubernetes ${kubernetesVersion}: found no staging replacements in its go.mod`);
  const sv = stagingVersion(kubernetesVersion);
  const lines = ['module toe.local/kubernetes-build', '', `go ${directive(kubernetesGoMod, 'go') ?? '1.24.0'}`, ''];
  const debug = directive(kubernetesGoMod, 'godebug');
  if (debug) lines.push(`godebug ${debug}`, '');
  lines.push(`require k8s.io/kubernetes ${kubernetesVersion}`, '', 'replace (');
  for (const mod of staging) lines.push(`\t${mod} => ${mod} ${sv}`);
  lines.push(')', '');
  return lines.join('\n');
}

/** A file that imports the commands, so `go mod tidy` keeps every module they need. */
export function toolsGo(packages: string[]): string {
  return ['//go:build tools', '', 'package tools', '', 'import (', ...packages.map((p) => `\t_ "${p}"`), ')', ''].join('\n');
}

/** -X flags that stamp the version into component-base (servers) and client-go (kubectl), as hack/lib/version.sh does. */
export function versionLdflags(kubernetesVersion: string, buildDate: string): string[] {
  const [major, minor] = kubernetesVersion.replace(/^v/, '').split('.');
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${kubernetesVersion}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${buildDate}`,
    );
  }
  return flags;
}
