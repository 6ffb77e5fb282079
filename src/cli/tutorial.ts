import { parseArgs } from 'node:util';
import { EXIT_OK, UsageError, type Command } from './command.ts';
import { Steps } from './output.ts';

const HELP = `The "Hello PowerTool" tutorial: seven short steps on the local cluster (or the cluster in KUBECONFIG).

It prepares what the quickstart does (cluster, images, CRDs, tool configs, the sample app demo-app) and runs the
operator in this process. Each step explains, shows the exact kubectl command, waits for Enter, runs it for real
and checks the outcome against the cluster. At the end (or on q / Ctrl-C) it deletes its PowerTools and stops the
operator; the cluster stays up. The steps live in tutorial/steps.yaml.

Usage:
  toe tutorial [options]

Options:
  -y, --yes       run every step without waiting for Enter; stop at the first failed check
  -v, --verbose   the operator's info logs on stderr (default: warnings only)
  -h, --help      this help
`;

export const tutorial: Command = async (argv, streams) => {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        yes: { type: 'boolean', short: 'y', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'tutorial');
  }
  if (values.help) {
    streams.out.write(HELP);
    return EXIT_OK;
  }
  if (!values.yes && !process.stdin.isTTY)
    throw new UsageError(
      'the tutorial waits for Enter at each step, but stdin is not a terminal: run it with --yes to go through it unattended',
      'tutorial',
    );
  // The operator's JSON logs would bury the tutorial's text; the level is read when the logger loads (below).
  process.env.TOE_LOG_LEVEL ??= values.verbose ? 'info' : 'warn';
  const { runSession } = await import('../../tutorial/session.ts');
  return runSession({ yes: values.yes, input: process.stdin }, streams, new Steps(streams.err));
};
