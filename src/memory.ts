// The command line's memory: V8's young generation, bounded for the commands
// that summarise a trace, and the C allocator's trim threshold. This file
// imports nothing of ours, so that a test can run it alone in a process of
// its own (V8's flags are the process's).
import { createRequire } from 'node:module';

/**
 * v8 is node:v8, loaded when first needed: only a long reading checks its
 * young generation, and importing node:v8 loads some thirty of Node's
 * internal modules, several milliseconds of every run's start-up.
 */
let v8: typeof import('node:v8') | null = null;

/** nodeV8 loads node:v8 once. */
function nodeV8(): typeof import('node:v8') {
  return (v8 ??= createRequire(import.meta.url)('node:v8') as typeof import('node:v8'));
}

/**
 * YoungGeneration bounds V8's young generation for a command that summarises
 * a trace. Such a reading allocates about 65 bytes per event (the Event
 * objects) and keeps none of them, but every young collection finds the batch
 * in hand alive, and V8 doubles its young generation each time the bytes it
 * has copied add up to its size: over a long trace it grows to its maximum
 * (32 MB in Node 20), all of it garbage, so peak memory grows with the
 * trace's length. Once it reaches `atMost` bytes, `check` stops its growth
 * for the rest of the process. Held there, a 1 GiB trace reads in the memory
 * of a 64 MiB one; held at its initial size instead, the reading spent
 * twelve times as many collections, 1.4 s of 13 s (measured:
 * bench/README.md). Commands that print keep V8's default: their output
 * survives collections until it is written, and a small young generation
 * copies it again and again (measured 30% slower).
 *
 * It leaves V8 alone where the user sized the young generation (in
 * NODE_OPTIONS or node's flags), and outside V8 11 to 14 (Node 20 to 25),
 * whose flag definitions have the flag: V8 prints an error for a flag it
 * does not know. It was measured on Node 20 (V8 11.3).
 */
export class YoungGeneration {
  private done: boolean;

  /** The constructor takes the size to hold the young generation at, in bytes as youngGenerationSize says. */
  constructor(private readonly atMost = 8 << 20) {
    const sized = /semi-space|semi_space/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`);
    this.done = !knowsGrowthFactor() || sized;
  }

  /** check holds the young generation if it has reached its bound; call it every million events or so. */
  check(): void {
    if (this.done || youngGenerationSize() < this.atMost) return;
    // At run time the factor is not clamped to V8's start-up minimum of 2.
    nodeV8().setFlagsFromString('--semi-space-growth-factor=1');
    this.done = true;
  }
}

/**
 * knowsGrowthFactor reports whether this V8 is one YoungGeneration acts on
 * (11 to 14, whose flag definitions have --semi-space-growth-factor).
 */
export function knowsGrowthFactor(): boolean {
  const major = Number(process.versions.v8.split('.')[0]);
  return major >= 11 && major <= 14;
}

/** youngGenerationSize is the size of V8's young generation (its new space, as V8 reports it), in bytes. */
export function youngGenerationSize(): number {
  return (
    nodeV8()
      .getHeapSpaceStatistics()
      .find((s) => s.space_name === 'new_space')?.space_size ?? 0
  );
}

/** TRIM_BLOCK is the size of the block keepFreedMemory frees. */
const TRIM_BLOCK = 2 << 20;

/**
 * keepFreedMemory makes glibc's malloc keep up to twice TRIM_BLOCK of freed
 * memory instead of returning it to the system at once. A Reader copies each
 * step's event records (about 80 KB) for its events; the copies are freed
 * together at each young collection, and with glibc's default threshold
 * (128 KB) the top of the heap is handed back and faulted in again, page by
 * page, by the next copies: 60,000 to 350,000 page faults over a 1 GiB trace,
 * and seconds that vary from run to run. glibc raises its thresholds when a
 * block it mapped on its own is freed (mallopt(3), M_MMAP_THRESHOLD), so one
 * block of TRIM_BLOCK, allocated and dropped at start, sets them (measured:
 * bench/README.md). Elsewhere (musl, macOS, Windows) it is one short-lived
 * allocation. The commands that read through a Reader call it before
 * reading. It returns the block's size, so that bundlers keep the call.
 */
export function keepFreedMemory(): number {
  return new ArrayBuffer(TRIM_BLOCK).byteLength;
}
