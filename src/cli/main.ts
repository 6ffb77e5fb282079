import type { Streams } from './command.ts';
import { dispatch, tableLines, type CommandTable } from './dispatch.ts';

// Commands load lazily so that `toe validate` never pays for the Kubernetes client.
const commands: CommandTable = {
  validate: {
    summary: 'check PowerTool YAML against the schemas and the tool allowlists',
    load: async () => (await import('./validate.ts')).validate,
  },
  cluster: { summary: 'bring a local single-node Kubernetes cluster up or down', load: async () => (await import('./cluster.ts')).cluster },
  operator: {
    summary: 'run the controllers, admission, metrics and leader election',
    load: async () => (await import('./operator.ts')).operator,
  },
  collector: { summary: 'receive artifacts streamed by running tools', load: async () => (await import('./collector.ts')).collector },
  reports: { summary: 'serve HTML reports read-only', load: async () => (await import('./reports.ts')).reports },
  stop: {
    summary: 'emergency stop: stop every PowerTool in the cluster and refuse new ones until cleared',
    load: async () => (await import('./stop.ts')).stop,
  },
  check: {
    summary: 'preflight a cluster and namespace: name each broken precondition of a PowerTool run and its fix',
    load: async () => (await import('./check.ts')).check,
  },
  quickstart: {
    summary: 'bring everything up and run a sample PowerTool to completion',
    load: async () => (await import('./quickstart.ts')).quickstart,
  },
  tutorial: { summary: 'the interactive "Hello PowerTool" tutorial', load: async () => (await import('./tutorial.ts')).tutorial },
};

export function usage(): string {
  return `toe: the Temporary Observability Engine\n\nUsage:\n  toe <command> [options]\n\nCommands:\n${tableLines(commands)}\n\nRun 'toe <command> -h' for a command's options.\n`;
}

export const run = (argv: string[], streams: Streams): Promise<number> => dispatch(commands, usage, 'command', argv, streams);

const streams: Streams = { out: process.stdout, err: process.stderr };
process.exitCode = await run(process.argv.slice(2), streams);
