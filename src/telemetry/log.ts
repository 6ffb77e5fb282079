import { pino, type Logger } from 'pino';

/** The components that log; each gets a child of the one root so every line carries `component`. */
export type Component =
  | 'cli'
  | 'cluster'
  | 'operator'
  | 'operator.powertool'
  | 'operator.emergencystop'
  | 'operator.powertoolconfig'
  | 'operator.processing'
  | 'operator.schedule'
  | 'operator.scenario'
  | 'operator.admission'
  | 'collector'
  | 'reports'
  | 'tutorial';

// JSON to stderr so that a command's results on stdout stay machine-readable; tokens never reach a log line.
const root: Logger = pino(
  {
    level: process.env.TOE_LOG_LEVEL ?? 'info',
    base: { app: 'toe' },
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination(2),
);

export function logger(component: Component, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ component, ...bindings });
}

export type { Logger };
