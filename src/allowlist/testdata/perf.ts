/**
 * A realistic allowlist for the unit tests: a perf-like profiler with one parameter of every type, parsed through
 * the real schema so defaults are applied as in the operator.
 */
import { powerToolConfigSpec, type PowerToolConfigSpec } from '../../api/powertoolconfig.ts';

export const perfConfigInput = {
  tool: { name: 'perf', kind: 'profiler', description: 'Samples stacks with perf record.' },
  image: 'localhost/toe-perf:0.1.0',
  command: ['/toe/bin/entrypoint'],
  defaultArgs: ['record', '--no-inherit'],
  parameters: [
    { name: 'freq', flag: '--freq', short: '-F', type: 'integer', min: 1, max: 10000, default: '99', description: 'Samples per second.' },
    { name: 'callGraph', flag: '--call-graph', short: '-g', type: 'enum', values: ['fp', 'dwarf'] },
    { name: 'event', flag: '--event', short: '-e', type: 'enum', values: ['cpu-clock', 'task-clock'], repeatable: true },
    { name: 'pidFilter', flag: '--pid-filter', short: '-p', type: 'integer', min: 1, max: 4194304 },
    { name: 'verbose', flag: '--verbose', short: '-v', type: 'boolean' },
    { name: 'output', flag: '--output', short: '-o', type: 'path', roots: ['/data', '/tmp/toe'] },
    { name: 'comm', flag: '--comm', short: '-c', type: 'string', pattern: '[a-z][a-z0-9_.-]{0,14}', maxLength: 15, repeatable: true },
    { name: 'stopSignal', flag: '--stop-signal', type: 'signal', values: ['SIGTERM', 'SIGINT', 'SIGUSR1'] },
    { name: 'interval', flag: '--interval', short: '-d', type: 'duration', min: '100ms', max: '1h' },
    { name: 'mmapSize', flag: '--mmap-size', type: 'quantity', max: '4Gi' },
    { name: 'cpuShare', flag: '--cpu-share', type: 'percent', max: 95 },
    { name: 'label', type: 'string', pattern: '[A-Za-z0-9_-]{1,32}' },
  ],
  limits: { maxArgs: 24, maxArgLength: 128 },
} as const;

export const perfConfig: PowerToolConfigSpec = powerToolConfigSpec.parse(perfConfigInput);
