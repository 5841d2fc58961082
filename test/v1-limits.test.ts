// Old traces (Go 1.11-1.21) at the edges of what the core holds: names longer
// than 64 KiB, which Go's old parser allows (strings up to 1e6 bytes) and
// keeps whole; and traces of more events than the core's largest buffer holds,
// which must stop with the named "trace too large" TraceError at a byte
// offset, never a trap reported as internal, never a hang.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSync } from '../bindings/index';
import { Reader, TraceError } from '../src/index';
import { canon } from './v1-canon';
import { read } from './v1-read';

const go127 = join(process.env.GOTRACE_GO_TOOLCHAINS ?? '/opt/go-toolchains', 'go1.27', 'bin', 'go');
let tmp = '';

beforeAll(() => {
  if (process.env.GOTRACE_WASM) initSync(readFileSync(process.env.GOTRACE_WASM));
  tmp = mkdtempSync(join(tmpdir(), 'gotrace-v1-limits-'));
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

/** uvarint is the unsigned LEB128 encoding of `x`. */
function uvarint(x: number): number[] {
  const out: number[] = [];
  for (; x >= 0x80; x = Math.floor(x / 128)) out.push((x & 0x7f) | 0x80);
  out.push(x);
  return out;
}

/** longName is `length` bytes of words that number themselves, so that a cut or a shift shows. */
function longName(prefix: string, length: number): string {
  let s = '';
  for (let i = 0; s.length < length; i++) s += `${prefix}-${i} `;
  return s.slice(0, length);
}

/** The old format's String event type (a string table entry: ID, length, bytes). */
const EV_STRING = 37;

/**
 * withLongNames returns a copy of the old trace `trace` whose string table
 * entries named in `names` (each a one-byte ID and length, as short strings
 * in Go's traces are) hold the given strings instead. Old traces have no
 * batch sizes, so the entries can grow in place.
 */
function withLongNames(trace: Buffer, names: Record<string, string>): Buffer {
  let out = trace;
  for (const [old, name] of Object.entries(names)) {
    const entry = Buffer.from([old.length, ...Buffer.from(old)]);
    let at = out.indexOf(entry);
    while (at >= 0 && out[at - 2] !== EV_STRING) at = out.indexOf(entry, at + 1);
    if (at < 0) throw new Error(`no string table entry ${JSON.stringify(old)}`);
    const bytes = Buffer.from(name);
    out = Buffer.concat([out.subarray(0, at), Buffer.from(uvarint(bytes.length)), bytes, out.subarray(at + entry.length)]);
  }
  return out;
}

describe('old-format names longer than 64 KiB', () => {
  // A task's name (kept in the names arena until its TaskEnd) and a region's
  // (interned, as regions are matched by name), each past 65,536 bytes.
  const task = longName('outer', 70_000), region = longName('work', 70_001);
  const trace = withLongNames(readFileSync(new URL('./fixtures/v1/own-go121-annotations.trace', import.meta.url)),
    { outer: task, work: region });

  it('are read whole', () => {
    const { text, error } = read(trace);
    expect(error).toBeNull();
    const lines = text.split('\n');
    const begin = lines.filter((l) => l.includes(' TaskBegin ') && l.includes('ID=1 '));
    const end = lines.filter((l) => l.includes(' TaskEnd ') && l.includes('ID=1 '));
    expect(begin).toHaveLength(1);
    expect(end).toHaveLength(1);
    for (const l of [...begin, ...end]) expect(l.endsWith(` Type="${task}"`)).toBe(true);
    const regions = lines.filter((l) => l.includes(` Type="${region}"`));
    expect(regions).toHaveLength(6); // three goroutines' RegionBegin and RegionEnd
  });

  it.skipIf(!existsSync(go127))('read as Go 1.27 reads them', () => {
    const path = join(tmp, 'long-names.trace');
    writeFileSync(path, trace);
    const go = spawnSync(go127, ['tool', 'trace', '-d=parsed', path],
      { env: { ...process.env, GOTOOLCHAIN: 'local', TZ: 'UTC' }, maxBuffer: 1 << 30 });
    expect(go.stderr.toString()).toBe('');
    const got = canon(read(trace).text), want = canon(go.stdout.toString('latin1'));
    expect(want).toContain(task);
    expect(got === want).toBe(true);
  });
});
