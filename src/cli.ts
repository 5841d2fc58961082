/**
 * The `gotrace` command line. Each subcommand lives in its own module under
 * `commands/` and registers itself through `register(program)`; add one line
 * to COMMANDS for a new one. Failures of the trace or of the command line are
 * reported as Go's tools report them: one line on stderr, exit status 1.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { isEPIPE, isReported } from './io';
import { register as wire } from './commands/wire';
import { register as text } from './commands/text';
import { register as events } from './commands/events';
import { register as stats } from './commands/stats';

/** COMMANDS are the subcommands' register functions, in the order help lists them. */
const COMMANDS: ((program: Command) => void)[] = [
  events,
  wire,
  stats,
  text,
];

/** program builds the command line with every subcommand. */
export function program(): Command {
  const p = new Command('gotrace')
    .description('Read Go execution traces: the events Go reads, as Go reads them.')
    .showHelpAfterError()
    // Usage errors and --help end main() with a status rather than the process.
    .exitOverride();
  for (const register of COMMANDS) register(p);
  return p;
}

/** main runs the command line on `argv` (Node's argv: node, script, args) and
 * returns the exit status. */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (e) {
    // Commander has printed the usage error or the help already.
    if (e instanceof CommanderError) return e.exitCode;
    // The reader of our output went away (`gotrace wire T | head`): done.
    if (isEPIPE(e)) return 0;
    process.stderr.write(isReported(e) ? `gotrace: ${e.message}\n` : `gotrace: ${stackOf(e)}\n`);
    return 1;
  }
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
  main().then((status) => {
    process.exitCode = status;
  });
}
