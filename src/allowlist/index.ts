/**
 * The argument allowlist: a PowerTool's `spec.tool.args` parsed against its PowerToolConfig's `parameters`,
 * checked, and re-serialised from the parsed values into an argv that never passes through a shell. Pure: no I/O.
 *
 * - admitArgs: argv = spec.defaultArgs followed by the re-serialised args (`--flag=value`, true booleans as
 *   `--flag`, positionals last, defaults included); values keyed by parameter name, defaults applied.
 * - checkConfig: the allowlist's own well-formedness; admitArgs refuses everything while it reports errors.
 *
 * `spec` is the zod output type (defaults applied): parse with `powerToolConfigSpec` first.
 */
export type { ArgError } from './errors.ts';
export type { ArgValue } from './values.ts';
export type { AdmittedArgs, AdmitResult } from './check.ts';
export type { AllowlistSpec } from './config.ts';
export { admitArgs } from './check.ts';
export { checkConfig } from './config.ts';
