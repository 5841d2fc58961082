// Lists of pairs for the variable-length state of goroutines and procs: a
// goroutine's stack of active user regions (task ID, interned name) and the
// ranges in flight on a goroutine or proc (range type, description string ID).
// Go keeps them as slices that grow without limit; here every list is a chain
// of fixed-size chunks from one pool that all lists share, so a list may be as
// long as Go allows while the pool stays as large as the most pairs ever held
// at once. Chunks freed by one list are reused by any other.
//
// A list is 8 bytes inside its owner's record: u32 1 + the index of its last
// chunk (0 = none), u32 the number of pairs. Chunks link backwards, from the
// chunk holding the newest pairs to the one holding the oldest, so that the
// top of a stack and the end of a list are at hand. An empty list may keep
// one chunk (listEmptyKeep), whose link is 0, for its next pair.

import { Vec } from './mem';
import { compactMove } from './names';

const PER_CHUNK: u32 = 4;
// A chunk: u32 1 + the index of the previous chunk, 12 bytes unused, 4 pairs.
const CHUNK: usize = 16 + 16 * PER_CHUNK;

const pool = new Vec();
let chunks: u32 = 0; // chunks ever made
let freeChunks: u32 = 0; // 1 + the first free chunk; free chunks link like list chunks

@inline function chunkAt(c: u32): usize { return pool.ptr + <usize>(c - 1) * CHUNK; }
@inline function prevOf(c: u32): u32 { return load<u32>(chunkAt(c)); }

/** listLen returns the number of pairs in the list at `l`. */
@inline export function listLen(l: usize): u32 { return load<u32>(l, 4); }

/** listPush appends the pair (a, b). `l` must not lie in the pool. */
export function listPush(l: usize, a: u64, b: u64): void { listPushHere(l, a, b); }

/** listPushHere is listPush inlined, for the ranges that begin and end with
 * every sweep. */
@inline export function listPushHere(l: usize, a: u64, b: u64): void {
  const n = listLen(l);
  let c = load<u32>(l);
  if (n % PER_CHUNK == 0 && (n != 0 || c == 0)) {
    let fresh: u32;
    if (freeChunks != 0) {
      fresh = freeChunks;
      freeChunks = prevOf(fresh);
    } else {
      pool.grow(CHUNK);
      fresh = ++chunks;
    }
    store<u32>(chunkAt(fresh), c);
    c = fresh;
    store<u32>(l, c);
  }
  const p = chunkAt(c) + 16 + <usize>(n % PER_CHUNK) * 16;
  store<u64>(p, a);
  store<u64>(p, b, 8);
  store<u32>(l, n + 1, 4);
}

/** listAt returns the address of pair `i` (0 = the oldest): u64 a, u64 b. */
export function listAt(l: usize, i: u32): usize {
  let c = load<u32>(l);
  for (let k = (listLen(l) - 1) / PER_CHUNK; k > i / PER_CHUNK; k--) c = prevOf(c);
  return chunkAt(c) + 16 + <usize>(i % PER_CHUNK) * 16;
}

/** listTop returns the address of the newest pair; the list must not be empty. */
@inline export function listTop(l: usize): usize {
  return chunkAt(load<u32>(l)) + 16 + <usize>((listLen(l) - 1) % PER_CHUNK) * 16;
}

/** listPop drops the newest pair; the list must not be empty. */
export function listPop(l: usize): void {
  const n = listLen(l) - 1;
  store<u32>(l, n, 4);
  if (n % PER_CHUNK == 0) {
    const c = load<u32>(l);
    store<u32>(l, prevOf(c));
    store<u32>(chunkAt(c), freeChunks);
    freeChunks = c;
  }
}

/** listEmptyKeep empties a list of one pair and keeps its chunk for the
 * next push: a sweep's range begins and ends on its proc over and over, and
 * so takes no chunk from the pool and gives none back. */
@inline export function listEmptyKeep(l: usize): void { store<u32>(l, 0, 4); }

/** listFind returns the index of the oldest pair whose first value is `a`
 * (and whose second is `b` where `matchB`), or -1. */
export function listFind(l: usize, a: u64, b: u64, matchB: bool): i32 {
  const n = listLen(l);
  let found: i32 = -1;
  let c = load<u32>(l);
  // Walk chunks newest to oldest; within a chunk, the first match is the oldest.
  for (let k = <i32>((n + PER_CHUNK - 1) / PER_CHUNK) - 1; k >= 0; k--) {
    const base = <u32>k * PER_CHUNK;
    const end = min(n - base, PER_CHUNK);
    for (let j: u32 = 0; j < end; j++) {
      const p = chunkAt(c) + 16 + <usize>j * 16;
      if (load<u64>(p) == a && (!matchB || load<u64>(p, 8) == b)) {
        found = <i32>(base + j);
        break;
      }
    }
    c = prevOf(c);
  }
  return found;
}

/** listSwapRemove removes pair `i` by moving the newest pair into its place,
 * as Go's swap-remove does (the order of the rest changes). */
export function listSwapRemove(l: usize, i: u32): void {
  v128.store(listAt(l, i), v128.load(listTop(l))); // a memory.copy this small costs a call
  listPop(l);
}

/** listMoveNames gives every pair of a list of regions (task ID, interned
 * name) its name's offset after a compaction of the names arena. */
export function listMoveNames(l: usize): void {
  if (listLen(l) == 0) return; // it may keep a chunk of no pairs
  let c = load<u32>(l);
  let inChunk = (listLen(l) - 1) % PER_CHUNK + 1; // pairs in the newest chunk
  while (c != 0) {
    for (let j: u32 = 0; j < inChunk; j++) {
      const p = chunkAt(c) + 16 + <usize>j * 16;
      store<u64>(p, <u64>compactMove(<u32>load<u64>(p, 8)), 8);
    }
    c = prevOf(c);
    inChunk = PER_CHUNK;
  }
}

/** listClear empties the list and returns its chunks to the pool. */
export function listClear(l: usize): void {
  let c = load<u32>(l);
  while (c != 0) {
    const prev = prevOf(c);
    store<u32>(chunkAt(c), freeChunks);
    freeChunks = c;
    c = prev;
  }
  store<u64>(l, 0);
}

/** listCopy writes the list to `dst`, oldest pair first, as u32 count, u32
 * pad, then the pairs (the layout of the `{Nranges}` error placeholder). */
export function listCopy(l: usize, dst: Vec): void {
  const n = listLen(l);
  dst.reset();
  const out = dst.grow(8 + <usize>n * 16);
  store<u32>(out, n);
  store<u32>(out, 0, 4);
  for (let i: u32 = 0; i < n; i++) memory.copy(out + 8 + <usize>i * 16, listAt(l, i), 16);
}

/** resetLists forgets every chunk, for a new trace (owners are reset too). */
export function resetLists(): void {
  pool.reset();
  chunks = 0;
  freeChunks = 0;
}
