// The command line's memory (src/memory.ts). YoungGeneration, which `gotrace
// stats` checks as it reads: V8's young generation stops growing at its bound
// under a reading's kind of allocation (much garbage, a batch alive at every
// collection), which otherwise makes it grow to its maximum. keepFreedMemory:
// glibc's thresholds raised, so that record copies freed at each young
// collection are kept for the next ones, not faulted in again.
// V8's flags and malloc's thresholds are the process's, so each case runs
// src/memory.ts (which imports nothing of ours) in a fresh node process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knowsGrowthFactor } from '../src/memory';
import { writeMemoryModule } from '../bench/lib/memory-module.mjs';

const dir = mkdtempSync(join(tmpdir(), 'gotrace-young-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const memory = writeMemoryModule(dir);

// The child reads as a reading allocates: batches of 256 small objects, each
// alive until the next, 100 MB a round; it checks after every round and
// prints the young generation's size before the first and after each.
const child = join(dir, 'child.mjs');
writeFileSync(
  child,
  `
import { YoungGeneration, youngGenerationSize } from ${JSON.stringify(memory)};
const y = new YoungGeneration(Number(process.argv[2]));
let batch = [], sum = 0;
const sizes = [youngGenerationSize()];
for (let round = 0; round < 12; round++) {
  for (let i = 0; i < 10_000; i++) {
    const next = new Array(256);
    for (let j = 0; j < 256; j++) next[j] = { at: j, words: sizes };
    sum += batch.length;
    batch = next;
  }
  y.check();
  sizes.push(youngGenerationSize());
}
console.log(JSON.stringify({ sizes, sum }));
`,
);

/** sizes runs the child with the bound `atMost` and returns the young generation's sizes it saw. */
function sizes(atMost: number, env: NodeJS.ProcessEnv = {}): number[] {
  const out = execFileSync(process.execPath, [child, String(atMost)], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } });
  return (JSON.parse(out) as { sizes: number[] }).sizes;
}

const MiB = 1 << 20;

describe('YoungGeneration', () => {
  it.skipIf(!knowsGrowthFactor())(
    `grows to its bound, and no further${knowsGrowthFactor() ? '' : ` [skipped: V8 ${process.versions.v8} has no --semi-space-growth-factor]`}`,
    () => {
      const s = sizes(4 * MiB);
      const at = s.findIndex((n) => n >= 4 * MiB);
      expect(s[0]).toBeLessThan(4 * MiB);
      expect(at).toBeGreaterThan(0);
      expect(s.slice(at).every((n) => n === s[at])).toBe(true);
      // The same reading, unbounded, grows past it (so the case above can fail).
      expect(Math.max(...sizes(Number.MAX_SAFE_INTEGER))).toBeGreaterThan(s[at]!);
    },
  );

  it('leaves V8 alone where the user sized the young generation', () => {
    const s = sizes(4 * MiB, { NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(Math.max(...s)).toBeGreaterThan(s.find((n) => n >= 4 * MiB)!);
  });
});

// What keepFreedMemory controls is one block of malloc's, allocated and
// freed; glibc's rule (mallopt(3), M_MMAP_THRESHOLD) does the rest: a block
// it mapped on its own, once freed, raises its mmap threshold to that size
// (and its trim threshold to twice it). The child below allocates and frees
// the block, or not, then allocates a probe of 1 MiB, above glibc's default
// threshold (128 KiB) and below the block. strace shows where each went: the
// block mapped and unmapped on its own, and the probe then taken from the
// heap, where without the block it is mapped on its own. System calls are
// what glibc decides, not what the machine's load makes of them: the page
// faults this saves, which do depend on the machine, are measured by
// bench/trim.mjs. Array buffers are freed during gc() here, not on a
// background thread, so that the probe comes after the block's release, and
// strace follows the main thread alone, so that no other thread's calls
// split its lines.
const trimming = join(dir, 'trimming.mjs');
writeFileSync(
  trimming,
  `
import { keepFreedMemory } from ${JSON.stringify(memory)};
const block = process.argv[2] === 'keep' ? keepFreedMemory() : 0;
globalThis.gc();
const probe = new Uint8Array(1 << 20);
console.log(JSON.stringify({ block, probe: probe.length }));
`,
);

/** Mapping is an anonymous mapping of malloc's, or its release: a size and an address. */
interface Mapping {
  call: 'mmap' | 'munmap';
  size: number;
  at: string;
}

/** mappings runs the trimming child under strace, with keepFreedMemory or without, and returns its anonymous mappings and releases. */
function mappings(keep: boolean): { block: number; probe: number; calls: Mapping[] } {
  const log = join(dir, `strace-${keep ? 'keep' : 'none'}`);
  const out = execFileSync(
    'strace',
    ['-qq', '-e', 'trace=mmap,munmap', '-o', log, process.execPath, '--expose-gc', '--no-concurrent-array-buffer-sweeping', trimming, keep ? 'keep' : 'none'],
    { encoding: 'utf8' },
  );
  const calls: Mapping[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const m = /mmap\(NULL, (\d+), PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = (0x[0-9a-f]+)/.exec(line);
    if (m) calls.push({ call: 'mmap', size: Number(m[1]), at: m[2]! });
    const u = /munmap\((0x[0-9a-f]+), (\d+)\)/.exec(line);
    if (u) calls.push({ call: 'munmap', size: Number(u[2]), at: u[1]! });
  }
  return { ...(JSON.parse(out) as { block: number; probe: number }), calls };
}

/** near says whether `size` is a mapping of malloc's for a request of `n` bytes (its header, rounded up to pages). */
const near = (size: number, n: number) => size > n && size <= n + 64 * 1024;

const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const strace = (() => {
  try {
    execFileSync('strace', ['-qq', '-e', 'trace=none', process.execPath, '-e', '0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const WHY = !glibc ? ' [skipped: not glibc]' : !strace ? ' [skipped: strace is missing or cannot trace here]' : '';
if (WHY) console.warn(`memory.test.ts: keepFreedMemory's test${WHY}`);

describe('keepFreedMemory', () => {
  it.skipIf(WHY !== '')(`has malloc map a block of its own and free it, which raises glibc's thresholds above a 1 MiB probe (glibc, strace)${WHY}`, () => {
    const kept = mappings(true);
    const block = kept.calls.find((c) => c.call === 'mmap' && near(c.size, kept.block));
    expect(block).toBeDefined();
    expect(kept.calls.some((c) => c.call === 'munmap' && c.at === block!.at)).toBe(true);
    expect(kept.calls.some((c) => c.call === 'mmap' && near(c.size, kept.probe))).toBe(false);
    // Without the block, the probe is a mapping of its own (so the case above can fail).
    const none = mappings(false);
    expect(none.calls.some((c) => c.call === 'mmap' && near(c.size, none.probe))).toBe(true);
  });
});
