/**
 * The argument allowlist: a PowerTool's `spec.tool.args` parsed against its PowerToolConfig's `parameters`,
 * checked, and re-serialised from the parsed values into an argv that never passes through a shell. Pure: no I/O.
 *
 * - admitArgs: argv = spec.defaultArgs, then every parameter's canonical values (`--flag=value`, true booleans as
 *   `--flag`, false as nothing; flags in declaration order, positionals last; defaults included). userArgv is the
 *   user's own part alone; admitting it again yields the same values and argv. values: by parameter name, in
 *   declaration order, defaults applied, a boolean always present.
 * - checkConfig: the allowlist's own well-formedness; admitArgs refuses everything while it reports errors.
 *
 * One spelling per meaning (each decision is explained where it is made):
 * - `--` is refused (parse.ts); a value starting with "-" is written `--flag=-value`.
 * - integers are decimal safe integers: no +, leading zeros, hex/octal, exponent (values.ts).
 * - percent is a bare whole number 0..100 (or the admin's min/max); `50%` is refused (values.ts).
 * - signals accept SIGTERM or TERM, never numbers, and re-serialise as SIGTERM (values.ts).
 * - durations re-serialise in the largest exact single unit (90s, 1m, 90m); quantities keep their suffix and lose
 *   redundant zeros (values.ts). Both appear in `values` as that canonical text.
 * - paths are refused unless already normal; segments use A-Z a-z 0-9 . _ - only; no symlink resolution (path.ts).
 * - empty values and empty arguments are refused for every type.
 *
 * `spec` is the zod output type (defaults applied): parse with `powerToolConfigSpec` first.
 */
export type { ArgError } from './errors.ts';
export type { ArgValue } from './values.ts';
export type { AdmittedArgs, AdmitResult } from './check.ts';
export type { AllowlistSpec } from './config.ts';
export { admitArgs } from './check.ts';
export { checkConfig } from './config.ts';
export { quote } from './errors.ts';
