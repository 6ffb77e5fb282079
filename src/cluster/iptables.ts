import { exec } from '../host/exec.ts';

/**
 * The kubelet and kube-proxy name every chain they make KUBE-*; `kube-proxy --cleanup` removes kube-proxy's own,
 * but the kubelet's (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-IPTABLES-HINT) stay. From `iptables -t <table> -S`
 * output, the commands that remove them: first the rules that jump into them, then their rules, then the chains.
 */
export function kubeChainCleanup(rules: string): string[][] {
  const lines = rules
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const chains = lines.filter((l) => /^-N KUBE-/.test(l)).map((l) => l.split(' ')[1] as string);
  const out: string[][] = [];
  for (const l of lines) {
    const m = /^-A (\S+) (.*)$/.exec(l);
    if (!m?.[1] || !m[2] || chains.includes(m[1])) continue;
    const target = /-[jg] (KUBE-\S+)/.exec(m[2])?.[1];
    if (target && chains.includes(target)) out.push(['-D', m[1], ...splitArgs(m[2])]);
  }
  for (const c of chains) out.push(['-F', c]);
  for (const c of chains) out.push(['-X', c]);
  return out;
}

/** Splits an iptables -S rule into arguments, keeping "quoted strings" (comments) whole. */
export function splitArgs(rule: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] as string));
  return out;
}

/** Removes every KUBE-* chain, and the jumps into them, from IPv4 and IPv6 filter, nat and mangle tables. */
export async function removeKubeChains(): Promise<void> {
  for (const bin of ['iptables', 'ip6tables']) {
    for (const table of ['filter', 'nat', 'mangle']) {
      const rules = await exec(bin, ['-w', '-t', table, '-S']).catch(() => '');
      for (const args of kubeChainCleanup(rules)) await exec(bin, ['-w', '-t', table, ...args]);
    }
  }
}
