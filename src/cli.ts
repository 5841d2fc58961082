/**
 * The `gotrace` command line. Each subcommand lives in its own module under
 * `commands/` and registers itself through `register(program)`; add one line
 * to COMMANDS for a new one. Failures of the trace or of its file are
 * reported as Go's tools report them: one line on stderr, exit status 1.
 * Usage errors (an unknown command or option, a missing or extra argument)
 * are one line too, `gotrace: <what>`, then where to read the usage, and exit
 * status 2, as Unix tools tell misuse from failure.
 *
 * Commander is loaded only when it is needed: loading it (and the
 * child_process module it requires) costs more than a whole small run. A
 * plain invocation (a command, its one argument, flags it declares) is
 * matched against what the commands register (see Plain) and run directly;
 * anything else (help, a usage error) goes to Commander, which says it as
 * ever.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command, CommanderError } from 'commander';
import { exit, isEPIPE, isReported, stderr, stdout } from './io';
import { relaunch, relaunchArgs, watchParent } from './launch';
import { messageBytes, TraceError } from './errors';
import { register as wire } from './commands/wire';
import { register as text } from './commands/text';
import { register as events } from './commands/events';
import { register as stats } from './commands/stats';

/** COMMANDS are the subcommands' register functions, in the order help lists them. */
const COMMANDS: ((program: Command) => void)[] = [events, wire, stats, text];

/** program builds the command line with every subcommand (loading Commander). */
export async function program(): Promise<Command> {
  const { Command } = await import('commander');
  const p = new Command('gotrace')
    .description('Read Go execution traces: the events Go reads, as Go reads them.')
    .version(version(), '-V, --version', 'print the version of gotrace')
    // Usage errors and --help end main() with a status rather than the process.
    .exitOverride()
    // Help through io's streams, which exit() waits for. Usage errors are
    // said by main() (see usageError), in place of Commander's words and help.
    .configureOutput({ writeOut: (s) => stdout().write(s), writeErr: () => {}, outputError: () => {} });
  for (const register of COMMANDS) register(p);
  return p;
}

/**
 * version is the package's version, read from its package.json (one folder up
 * from this module, in the package as in the source tree) when asked for, so
 * that it is written in one place.
 */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Action is what a command does with its argument and its flags (Commander's names for them). */
type Action = (arg: string, opts: Record<string, boolean>) => Promise<void>;

/**
 * Plain takes down what a command's register() declares, through the part of
 * Commander's builder that the commands use, without Commander: its
 * subcommands, its arguments, its flags and its action.
 */
class Plain {
  readonly commands = new Map<string, Plain>();
  readonly flags = new Map<string, string>();
  args = 0;
  run: Action | null = null;

  command(name: string): Plain {
    const c = new Plain();
    this.commands.set(name, c);
    return c;
  }

  argument(): this {
    this.args++;
    return this;
  }

  option(flags: string): this {
    // Only a lone long flag without a value is taken down, as `--name` for opts.name.
    const m = /^--([a-z]+)$/.exec(flags);
    if (m) this.flags.set(flags, m[1]!);
    return this;
  }

  action(run: Action): this {
    this.run = run;
    return this;
  }

  description(): this {
    return this;
  }

  addHelpText(): this {
    return this;
  }

  /**
   * match finds the action and opts of `words` (the arguments after the
   * script), or null unless they are a plain invocation: command words down
   * to one with an action and one argument, then that argument and declared
   * flags, in any order. Anything else is left to Commander.
   */
  match(words: string[]): { run: Action; arg: string; opts: Record<string, boolean> } | null {
    const [first, ...rest] = words;
    const sub = first === undefined ? undefined : this.commands.get(first);
    if (sub !== undefined) return sub.match(rest);
    if (this.run === null || this.args !== 1) return null;
    const opts: Record<string, boolean> = {};
    const args = words.filter((w) => w === '-' || !w.startsWith('-'));
    for (const w of words) {
      if (w === '-' || !w.startsWith('-')) continue;
      const name = this.flags.get(w);
      if (name === undefined) return null;
      opts[name] = true;
    }
    return args.length === 1 ? { run: this.run, arg: args[0]!, opts } : null;
  }
}

/** plain matches `argv` against the commands' declarations (see Plain). */
function plain(argv: string[]): ReturnType<Plain['match']> {
  const root = new Plain();
  for (const register of COMMANDS) register(root as unknown as Command);
  return root.commands.size > 0 ? root.match(argv.slice(2)) : null;
}

/** USAGE is the exit status of a usage error (1 is a failure of the trace or its file). */
export const USAGE = 2;

/**
 * usageError says a usage error Commander has found in `words` (the
 * arguments after the script) as two lines: `gotrace: <what>`, in
 * Commander's words on one line, and which help to read, that of the
 * command whose usage was wrong.
 */
export function usageError(e: CommanderError, p: Command, words: string[]): string {
  const what =
    e.code === 'commander.help'
      ? 'missing command' // a command of commands given none: Commander would print the help
      : e.message.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\)$/, ' (did you mean $1)');
  let names = 'gotrace';
  for (let c: Command | undefined = p, i = 0; ; i++) {
    c = c.commands.find((sub) => sub.name() === words[i]);
    if (c === undefined) break;
    names += ` ${c.name()}`;
  }
  return `gotrace: ${what}\nsee '${names} --help'\n`;
}

/** main runs the command line on `argv` (Node's argv: node, script, args) and
 * returns the exit status. */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    const direct = plain(argv);
    if (direct !== null) {
      await direct.run(direct.arg, direct.opts);
      return 0;
    }
    const { CommanderError } = await import('commander');
    const p = await program();
    try {
      await p.parseAsync(argv);
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
      // Commander has printed the help or the version.
      if (e.exitCode === 0) return 0;
      stderr().write(usageError(e, p, argv.slice(2)));
      return USAGE;
    }
    return 0;
  } catch (e) {
    // The reader of our output went away (`gotrace wire T | head`): done.
    if (isEPIPE(e)) return 0;
    stderr().write(isReported(e) ? reportOf(e) : `gotrace: ${stackOf(e)}\n`);
    return 1;
  }
}

/** reportOf is the line that reports error `e`: a trace's error in Go's
 * bytes (messageBytes), which may quote bytes of the trace that are not
 * UTF-8, as Go's message does. */
function reportOf(e: Error): string | Uint8Array {
  if (!(e instanceof TraceError)) return `gotrace: ${e.message}\n`;
  return Buffer.concat([Buffer.from('gotrace: '), messageBytes(e), Buffer.from('\n')]);
}

function stackOf(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** isMain reports whether this module is the program node was asked to run. */
function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // On Node 20, the work is done by a second node started without background compilation (see launch.ts).
  const again = relaunchArgs(process.versions.node, process.execArgv, process.argv);
  if (again !== null) void relaunch(again);
  else {
    watchParent();
    void main().then(exit);
  }
}
