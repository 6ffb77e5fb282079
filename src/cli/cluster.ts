import { parseArgs } from 'node:util';
import { down } from '../cluster/down.ts';
import { images } from '../cluster/images.ts';
import { layout } from '../cluster/layout.ts';
import { kubernetesDir } from '../cluster/steps/build-kubernetes.ts';
import { formatStatus, status } from '../cluster/status.ts';
import { readState } from '../cluster/state.ts';
import { isUp, type Mode } from '../cluster/modes.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.ts';
import { Steps } from './output.ts';

const USAGE = `Bring a local single-node Kubernetes cluster up or down (real kube-apiserver, kubelet, containerd).

Usage:
  toe cluster up [--apiserver-only] [--fresh] [--retain] [-q]
                                                      start it (or report that it runs), print the kubeconfig path;
                                                      --fresh: empty etcd; --retain: keep a failed run to debug
  toe cluster down [--purge] [-q]                     stop everything it started; --purge also deletes its state
  toe cluster status [-o text|json]                   what runs, versions, kubeconfig path
  toe cluster images [--rebuild] [-q]                 build pause, base, CoreDNS, toe and powertools/* images and import them

State: $TOE_STATE_DIR (default /var/lib/toe); build cache: $TOE_CACHE_DIR (default /var/cache/toe).
`;

interface Options {
  verb: 'up' | 'down' | 'status' | 'images';
  mode: Mode;
  retain: boolean;
  fresh: boolean;
  purge: boolean;
  rebuild: boolean;
  quiet: boolean;
  output: 'text' | 'json';
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'apiserver-only': { type: 'boolean', default: false },
      retain: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      purge: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      output: { type: 'string', short: 'o', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export function parseOptions(argv: string[]): Options | 'help' {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (err) {
    // node's parser says e.g. "Unknown option '--bogus'": a usage error, exit 2.
    throw new UsageError(err instanceof Error ? err.message : String(err), 'cluster');
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [verb, ...extra] = positionals;
  if (verb === undefined) throw new UsageError('missing subcommand: one of up, down, status, images', 'cluster');
  if (!['up', 'down', 'status', 'images'].includes(verb))
    throw new UsageError(`unknown subcommand "${verb}": one of up, down, status, images`, 'cluster');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`, 'cluster');
  if (values.output !== 'text' && values.output !== 'json')
    throw new UsageError(`--output must be text or json, not "${values.output}"`, 'cluster');
  const only = (flag: string, set: boolean, verbs: string[]): void => {
    if (set && !verbs.includes(verb)) throw new UsageError(`--${flag} applies to ${verbs.join('/')} only`, 'cluster');
  };
  only('apiserver-only', values['apiserver-only'], ['up']);
  only('retain', values.retain, ['up']);
  only('fresh', values.fresh, ['up']);
  only('purge', values.purge, ['down']);
  only('rebuild', values.rebuild, ['images']);
  return {
    verb: verb as Options['verb'],
    mode: values['apiserver-only'] ? 'apiserver' : 'node',
    retain: values.retain,
    fresh: values.fresh,
    purge: values.purge,
    rebuild: values.rebuild,
    quiet: values.quiet,
    output: values.output,
  };
}

export const cluster: Command = async (argv, streams) => {
  const o = parseOptions(argv);
  if (o === 'help') {
    streams.out.write(USAGE);
    return EXIT_OK;
  }
  const l = layout();
  const steps = new Steps(streams.err, o.quiet);
  switch (o.verb) {
    case 'up': {
      // Loaded here only: up pulls in the Kubernetes client, seconds of import that down and status do not need.
      const { stepsFor, up } = await import('../cluster/up.ts');
      const what = o.mode === 'node' ? 'the single-node cluster' : 'the API server (etcd + kube-apiserver)';
      const running = await isUp(await readState(l.stateFile), o.mode);
      if (!o.quiet && !running) streams.err.write(`Bringing up ${what}: ${stepsFor(o.mode).length} steps\n`);
      const started = Date.now();
      const r = await up(l, o.mode, steps, { retain: o.retain, fresh: o.fresh });
      if (!r.alreadyRunning && !o.quiet)
        streams.err.write(`${what[0]?.toUpperCase()}${what.slice(1)} is ready (${((Date.now() - started) / 1000).toFixed(1)}s).\n`);
      if (r.alreadyRunning && !o.quiet) streams.err.write(`${what[0]?.toUpperCase()}${what.slice(1)} is already running: nothing to do.\n`);
      streams.out.write(`${r.kubeconfig}\n`);
      if (!o.quiet)
        streams.err.write(`\nUse it:\n  export KUBECONFIG=${r.kubeconfig}\n  ${kubernetesDir(l.cacheDir)}/bin/kubectl get nodes\n`);
      return EXIT_OK;
    }
    case 'down': {
      const r = await down(l, steps, { purge: o.purge });
      if (!r.wasRunning) steps.info('not running: nothing to stop');
      return EXIT_OK;
    }
    case 'status': {
      const s = await status(l);
      streams.out.write(o.output === 'json' ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
      return s.phase === 'degraded' ? EXIT_FAILURE : EXIT_OK;
    }
    case 'images': {
      for (const j of await images(l, steps, { rebuild: o.rebuild })) streams.out.write(`${j.ref}\t${j.archive}\n`);
      return EXIT_OK;
    }
  }
};
