// The command line's memory (src/memory.ts). YoungGeneration, which `gotrace
// stats` checks as it reads: V8's young generation stops growing at its bound
// under a reading's kind of allocation (much garbage, a batch alive at every
// collection), which otherwise makes it grow to its maximum. keepFreedMemory:
// record copies freed at each young collection are not faulted in again.
// V8's flags and malloc's thresholds are the process's, so each case runs
// src/memory.ts (which imports nothing of ours) in a fresh node process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { knowsGrowthFactor } from '../src/memory';

const dir = mkdtempSync(join(tmpdir(), 'gotrace-young-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const memory = join(dir, 'memory.mjs');
writeFileSync(memory, ts.transpileModule(readFileSync(new URL('../src/memory.ts', import.meta.url), 'utf8'), {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText);

// The child reads as a reading allocates: batches of 256 small objects, each
// alive until the next, 100 MB a round; it checks after every round and
// prints the young generation's size before the first and after each.
const child = join(dir, 'child.mjs');
writeFileSync(child, `
import { YoungGeneration, youngGenerationSize } from ${JSON.stringify(pathToFileURL(memory).href)};
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
`);

/** sizes runs the child with the bound `atMost` and returns the young generation's sizes it saw. */
function sizes(atMost: number, env: NodeJS.ProcessEnv = {}): number[] {
  const out = execFileSync(process.execPath, [child, String(atMost)], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } });
  return (JSON.parse(out) as { sizes: number[] }).sizes;
}

const MiB = 1 << 20;

describe('YoungGeneration', () => {
  it.skipIf(!knowsGrowthFactor())('grows to its bound, and no further', () => {
    const s = sizes(4 * MiB);
    const at = s.findIndex((n) => n >= 4 * MiB);
    expect(s[0]).toBeLessThan(4 * MiB);
    expect(at).toBeGreaterThan(0);
    expect(s.slice(at).every((n) => n === s[at])).toBe(true);
    // The same reading, unbounded, grows past it (so the case above can fail).
    expect(Math.max(...sizes(Number.MAX_SAFE_INTEGER))).toBeGreaterThan(s[at]!);
  });

  it('leaves V8 alone where the user sized the young generation', () => {
    const s = sizes(4 * MiB, { NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(Math.max(...s)).toBeGreaterThan(s.find((n) => n >= 4 * MiB)!);
  });
});

// The trimming child copies as a Reader does, 20 copies of 80 KB a round,
// dropped and collected, and prints the page faults of rounds 10 to 59.
const trimming = join(dir, 'trimming.mjs');
writeFileSync(trimming, `
import { keepFreedMemory } from ${JSON.stringify(pathToFileURL(memory).href)};
if (process.argv[2] === 'keep') keepFreedMemory();
globalThis.gc();
const faults = () => process.resourceUsage().minorPageFault;
let from = 0;
for (let round = 0; round < 60; round++) {
  if (round === 10) from = faults();
  let copies = [];
  for (let i = 0; i < 20; i++) copies.push(new Uint8Array(80 << 10).fill(1));
  copies = null;
  globalThis.gc({ type: 'minor' });
}
console.log(faults() - from);
`);

/** faults runs the trimming child, with keepFreedMemory or without, and returns its page faults. */
function faults(keep: boolean): number {
  return Number(execFileSync(process.execPath, ['--expose-gc', trimming, keep ? 'keep' : 'none'], { encoding: 'utf8' }));
}

const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;

describe('keepFreedMemory', () => {
  it.skipIf(!glibc)('keeps freed copies for the next ones instead of faulting them in again (glibc)', () => {
    const kept = Math.min(faults(true), faults(true));
    const trimmed = Math.max(faults(false), faults(false));
    // 50 rounds of 1.6 MB: 20,000 pages if every round faults them in again.
    expect(kept * 2).toBeLessThan(trimmed);
  });
});

