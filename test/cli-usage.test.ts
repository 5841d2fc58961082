// Usage errors: one line `gotrace: <what>`, then which help to read, exit
// status 2 (1 is a trace or a file that failed). Each kind Commander finds,
// and the help and version, which are not errors. In-process through main().
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, USAGE } from '../src/cli';

/** run runs the command line in-process and returns what it printed and its status. */
async function run(...args: string[]) {
  let stdout = '',
    stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += s), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += s), true));
  try {
    const status = await main(['node', 'gotrace', ...args]);
    return { stdout, stderr, status };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('a usage error', () => {
  const cases: [string, string[], string][] = [
    ['no command', [], "gotrace: missing command\nsee 'gotrace --help'\n"],
    ['no command of a command of commands', ['text'], "gotrace: missing command\nsee 'gotrace text --help'\n"],
    ['an unknown command', ['bogus'], "gotrace: unknown command 'bogus'\nsee 'gotrace --help'\n"],
    ['an unknown command, with a suggestion', ['stat', 't'], "gotrace: unknown command 'stat' (did you mean stats?)\nsee 'gotrace --help'\n"],
    ['an unknown subcommand', ['text', 'x'], "gotrace: unknown command 'x'\nsee 'gotrace text --help'\n"],
    ['a missing argument', ['events'], "gotrace: missing required argument 'trace'\nsee 'gotrace events --help'\n"],
    ['a missing argument of a subcommand', ['text', 'decode'], "gotrace: missing required argument 'trace'\nsee 'gotrace text decode --help'\n"],
    ['too many arguments', ['wire', 'a', 'b'], "gotrace: too many arguments for 'wire'. Expected 1 argument but got 2.\nsee 'gotrace wire --help'\n"],
    ['an unknown option', ['stats', '--bogus', 't'], "gotrace: unknown option '--bogus'\nsee 'gotrace stats --help'\n"],
    [
      'an unknown option, with a suggestion',
      ['stats', '--cursr', 't'],
      "gotrace: unknown option '--cursr' (did you mean --cursor?)\nsee 'gotrace stats --help'\n",
    ],
    ['an unknown option of the program', ['--bogus'], "gotrace: unknown option '--bogus'\nsee 'gotrace --help'\n"],
  ];
  for (const [name, args, want] of cases) {
    it(`${name} (gotrace ${args.join(' ')}): two lines on stderr, status 2`, async () => {
      expect(await run(...args)).toEqual({ stdout: '', stderr: want, status: 2 });
    });
  }

  it('has a status of its own', () => {
    expect(USAGE).toBe(2);
  });
});

describe('not a usage error', () => {
  it('--help prints the help on stdout, status 0', async () => {
    const r = await run('events', '--help');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: gotrace events \[options\] <trace>\n/);
  });

  it('a file that cannot be read is a failure, status 1', async () => {
    const r = await run('stats', '/nonexistent/t.trace');
    expect(r).toEqual({ stdout: '', stderr: 'gotrace: failed to read trace file: open /nonexistent/t.trace: no such file or directory\n', status: 1 });
  });
});
