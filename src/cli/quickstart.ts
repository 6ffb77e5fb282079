import { parseArgs } from 'node:util';
import { EXIT_OK, UsageError, type Command } from './command.ts';
import { Steps } from './output.ts';

const HELP = `Bring everything up and run a sample PowerTool to completion.

Without KUBECONFIG it uses the local single-node cluster (\`toe cluster up\`; the first time on a machine that
builds Kubernetes once, ~20 min; later ~1 min in all); with KUBECONFIG, that cluster. Then it builds and imports
the perf and sample-app images (local cluster), installs the CRDs, every tool's PowerToolConfig and the sample
app demo-app (namespace demo), starts the operator in this process, runs samples/powertools/quickstart.yaml
(perf on every demo-app pod for 10 s), follows it, and prints each target's result, the hottest functions, where
the full output is, and an HTML report. The operator stops at the end; the cluster stays up.

Usage:
  toe quickstart [options]

Options:
  --keep-running      keep the operator running in the foreground after the run, until Ctrl-C
  --reports-dir DIR   where to write the HTML report (default: $TOE_STATE_DIR/quickstart/reports on the local
                      cluster, else $TMPDIR/toe-quickstart/reports)
  -v, --verbose       the operator's info logs on stderr (default: warnings only)
  -h, --help          this help
`;

export const quickstart: Command = async (argv, streams) => {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'keep-running': { type: 'boolean', default: false },
        'reports-dir': { type: 'string' },
        verbose: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'quickstart');
  }
  if (values.help) {
    streams.out.write(HELP);
    return EXIT_OK;
  }
  if (values['reports-dir'] !== undefined && values['reports-dir'].trim() === '')
    throw new UsageError('--reports-dir must be a directory path', 'quickstart');
  // The operator's JSON logs would bury the step lines; the level is read when the logger loads, which the
  // import below does, so set it first.
  process.env.TOE_LOG_LEVEL ??= values.verbose ? 'info' : 'warn';
  const { runQuickstart } = await import('../quickstart/run.ts');
  return runQuickstart(
    { keepRunning: values['keep-running'], ...(values['reports-dir'] ? { reportsDir: values['reports-dir'] } : {}) },
    streams,
    new Steps(streams.err),
  );
};
