// openTrace on a path that opens but is no trace file: a directory. Go 1.27
// (`go tool trace -d=parsed DIR`) fails its first read and prints "bad file
// format: not a Go execution trace?"; gotrace names the directory instead,
// in the words Go uses for a file it cannot open, never as an internal error.
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, program } from '../src/cli';
import { CliError, openTrace } from '../src/io';

describe('openTrace on a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gotrace-dir-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says it is a directory', () => {
    expect(() => openTrace(dir)).toThrow(CliError);
    expect(() => openTrace(dir)).toThrow(`failed to read trace file: read ${dir}: is a directory`);
  });

  it('gotrace events DIR fails with that message, not an internal error', async () => {
    const err = await (await program())
      .exitOverride()
      .parseAsync(['node', 'gotrace', 'events', dir])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toBe(`failed to read trace file: read ${dir}: is a directory`);
  });
});

// /proc/self/mem opens as a regular file of size 0 whose read at offset 0
// fails with EIO: a failed read of the source, which the command line says in
// one line (Node's words for the call), not as a bug with its stack.
/** eioAtZero reports whether reading /proc/self/mem at offset 0 fails with EIO here (Linux; not every sandbox). */
function eioAtZero(): boolean {
  if (!existsSync('/proc/self/mem')) return false;
  const fd = openSync('/proc/self/mem', 'r');
  try {
    readSync(fd, new Uint8Array(1), 0, 1, null);
    return false;
  } catch (e) {
    return (e as { code?: unknown }).code === 'EIO';
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!eioAtZero())('a read that fails (EIO), skipped where /proc/self/mem does not fail so', () => {
  it('is one line on stderr and status 1', async () => {
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
    let status: number;
    try {
      status = await main(['node', 'gotrace', 'stats', '/proc/self/mem']);
    } finally {
      process.stderr.write = write;
    }
    expect(status).toBe(1);
    expect(lines.join('')).toBe('gotrace: EIO: i/o error, read\n');
  });
});
