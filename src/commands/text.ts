/**
 * `gotrace text encode FILE` and `gotrace text decode TRACE`: Go's raw text
 * format of a trace, both ways. Encode takes raw text, or a txtar archive with
 * a `trace` file (Go's golden tests), and writes the binary trace Go's raw
 * writer makes of it; decode writes a binary trace as Go's raw TextWriter
 * would, streaming, with every event before any damage.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Command } from 'commander';
import { textHeader, textToTrace, TextError } from '../text';
import { parseTxtar } from '../txtar';
import { WireReader } from '../wire';
import { CliError, openTrace, Output, stdout } from '../io';
import { wire } from './wire';

/** register adds the `text` subcommand and its two actions to the program. */
export function register(program: Command): void {
  const text = program.command('text').description("convert between binary traces and Go's raw text format");
  text
    .command('encode')
    .description('write the binary trace of raw text (or of the `trace` file of a txtar archive) to stdout')
    .argument('<file>', "the text or txtar file ('-' for stdin)")
    .action(async (path: string) => {
      await writeBytes(encode(await readAll(openTrace(path)), path));
    });
  text
    .command('decode')
    .description("write a binary trace as Go's raw text format to stdout")
    .argument('<trace>', "the trace file ('-' for stdin)")
    .action(async (path: string) => {
      await decode(openTrace(path));
    });
}

/**
 * encode turns raw text, or a txtar archive whose `trace` file is raw text,
 * into a binary trace. Its errors name the file and line at fault.
 */
export function encode(input: Uint8Array, name: string): Uint8Array {
  const { files } = parseTxtar(input);
  let text = input;
  let firstLine = 1;
  if (files.length > 0) {
    const trace = files.find((f) => f.name === 'trace');
    if (!trace) throw new CliError(`${name}: txtar archive without a "trace" file`);
    text = trace.data;
    firstLine = trace.line;
  }
  try {
    return textToTrace(text, firstLine);
  } catch (e) {
    if (e instanceof TextError) throw new CliError(`${name}:${e.line}: ${e.goMessage}`);
    throw e;
  }
}

/**
 * HeadedOutput writes the text header before the first line, once the reader
 * has read the trace's version from its header.
 */
class HeadedOutput extends Output {
  private headed = false;

  constructor(
    private readonly reader: WireReader,
    stream?: Writable,
  ) {
    super(stream);
  }

  /** head writes the header if it is due: the trace's header has been read and nothing written yet. */
  async head(): Promise<void> {
    if (this.headed || this.reader.version === 0) return;
    this.headed = true;
    await super.write(textHeader(this.reader.version));
  }

  override async write(text: string): Promise<void> {
    await this.head();
    await super.write(text);
  }
}

/**
 * decode writes the raw text of the trace read from `input`: the header, then
 * the wire listing. On damage it writes what came before (the header too,
 * once the trace's header was good) and throws the TraceError.
 */
export async function decode(input: AsyncIterable<Uint8Array>, stream?: Writable): Promise<void> {
  const reader = new WireReader();
  const out = new HeadedOutput(reader, stream);
  try {
    await wire(input, out, reader);
  } finally {
    await out.head();
    await out.flush();
  }
}

/** readAll reads a whole input: raw text is read at once, as a txtar archive must be. */
async function readAll(input: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of input) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** writeBytes writes binary output to stdout and waits until it is taken. */
async function writeBytes(bytes: Uint8Array, stream: Writable = stdout()): Promise<void> {
  if (!stream.write(bytes)) await once(stream, 'drain');
}
