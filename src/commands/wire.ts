/**
 * `gotrace wire TRACE`: the trace's raw events as `go tool trace -d=wire`
 * prints them, byte for byte, failing where it fails.
 */
import type { Command } from 'commander';
import { WireReader } from '../wire';
import { openTrace, Output } from '../io';

/** register adds the `wire` subcommand to the program. */
export function register(program: Command): void {
  program
    .command('wire')
    .description('print the raw events of a trace, as `go tool trace -d=wire` does')
    .argument('<trace>', "the trace file ('-' for stdin)")
    .action(async (path: string) => {
      await wire(openTrace(path));
    });
}

/** wire prints the listing of the trace read from `input` to `out` (with `reader`, which `gotrace text decode` watches for the version). */
export async function wire(input: AsyncIterable<Uint8Array>, out = new Output(), reader = new WireReader()): Promise<void> {
  try {
    for await (const chunk of input) {
      reader.feed(chunk);
      for (let text; (text = reader.text()); ) await out.write(text);
      if (reader.done) break;
    }
    reader.close();
    for (let text; (text = reader.text()); ) await out.write(text);
  } finally {
    await out.flush();
  }
}
