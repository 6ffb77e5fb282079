import { parseArgs } from 'node:util';
import { readSources, STDIN } from '../validate/documents.ts';
import { formatJson, formatText, isValid } from '../validate/report.ts';
import { validateSources } from '../validate/validate.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.ts';

const HELP = `Check PowerTool, PowerToolConfig and PowerToolProcessing YAML against the schemas, and each PowerTool
against the allowlist of its tool's PowerToolConfig.

Usage:
  toe validate -f FILE [-f FILE]... [--configs DIR] [-o json]

Options:
  -f, --filename FILE   a YAML file (several documents allowed), a directory (every .yaml/.yml under it),
                        or - for standard input; repeatable
      --configs DIR     also look for PowerToolConfigs under DIR (e.g. powertools/); configs in the -f files win
  -o, --output FORMAT   text (default): one line per problem, "FILE#DOC FIELD: message", then a summary;
                        json: an array of {file, document, kind, name, valid, errors[{path, message, line}]}
  -h, --help            show this help

DOC counts the documents of a file from 0. Exit status: 0 all valid, 1 any invalid or unreadable, 2 usage error.
`;

interface Options {
  files: string[];
  configs?: string;
  output: 'text' | 'json';
}

function options(argv: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        filename: { type: 'string', short: 'f', multiple: true },
        configs: { type: 'string' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // parseArgs words its errors well ("Unknown option '--x'"); they only need to become usage errors.
    throw new UsageError((err as Error).message, 'validate');
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const files = values.filename ?? [];
  if (files.length === 0) throw new UsageError('no input: pass -f FILE, -f DIR or -f - (standard input)', 'validate');
  if (files.filter((f) => f === STDIN).length > 1) throw new UsageError('-f - (standard input) may be given once', 'validate');
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json')
    throw new UsageError(`unsupported output format "${output}": use -o text or -o json`, 'validate');
  return { files, configs: values.configs, output };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const validate: Command = async (argv, { out }) => {
  const opts = options(argv);
  if (opts === 'help') {
    out.write(HELP);
    return EXIT_OK;
  }
  const inputs = await readSources(opts.files, readStdin);
  const configs = opts.configs === undefined ? [] : await readSources([opts.configs], readStdin);
  const results = validateSources(inputs, configs, opts.configs);
  out.write(opts.output === 'json' ? formatJson(results) : formatText(results));
  return results.every(isValid) ? EXIT_OK : EXIT_FAILURE;
};
