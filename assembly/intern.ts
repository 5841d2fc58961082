// The store: every string and stack of the trace, each kept once, across
// generations. The runtime writes its tables again in every generation, under
// new IDs, and mostly with the same contents; the reader gives each content one
// store ID, which the event records carry instead of the generation's ID
// (assembly/README.md). TypeScript then needs nothing of a generation's tables
// for its events but the store, which it reads in place: no copy of the tables
// per generation.
//
// The store grows only with contents never seen before. Where a trace keeps
// bringing new ones, the store is retired once it passes its limit, at the
// start of a generation, and a new epoch begins with an empty store. The
// retired store is kept as it is until the next retirement, at least one
// generation later, so that TypeScript can copy it out first.
//
// The layout is near the tables blob's (string entries, stack entries,
// frames, string bytes), but an entry is 8 bytes, without its ID: entry i
// holds store ID i + 1. ID 0 is the empty string and no stack, as in every
// table; an empty string or stack that the trace lists has an ID of its own,
// as Go tells no stack from an empty one. A frame's function and file are
// store string IDs.

import { Vec, vecLimit } from './mem';
import {
  FRAME_SIZE, STORE_INFO_EPOCH, STORE_INFO_STRINGS, STORE_INFO_STACKS, STORE_INFO_FRAMES, STORE_INFO_STRING_ENTRIES,
  STORE_INFO_STACK_ENTRIES, STORE_INFO_FRAMES_AT, STORE_INFO_BYTES_AT, STORE_INFO_BYTES_LENGTH, STORE_INFO_SIZE,
} from './abi';

const ENTRY: usize = 8; // u32 byte offset (first frame), u32 length (frame count)
const FRAME: usize = FRAME_SIZE;

// The size past which the store is retired (see above): 8 MiB unless
// storeLimit says otherwise.
let limit: usize = 8 << 20;

/** storeLimit sets the size in bytes past which the store is retired (from
 * the next generation on): lower for less memory, where a trace keeps
 * bringing new strings; 0 retires it at every generation (the tests use that
 * to exercise retirement on small traces). */
export function storeLimit(bytes: u32): void { limit = <usize>bytes; }

/**
 * Index is one kind of content of a store (strings: their bytes; stacks:
 * their frames), each kept once: entries (ENTRY bytes: where its content
 * starts, in bytes or in units, and its length) and an open-addressing hash
 * table of entry numbers, four bytes a slot, at most half full, with each
 * entry's hash kept for growing the table. Compact on purpose: where a trace
 * brings new strings in every generation, the store holds all of them.
 */
class Index {
  entries: Vec = new Vec();
  hashes: Vec = new Vec(); // u32 per entry
  slots: Vec = new Vec(); // u32 per slot: entry number + 1, 0 = free
  content: Vec = new Vec();
  unit: usize;

  constructor(unit: usize) { this.unit = unit; }

  @inline count(): usize { return this.entries.len / ENTRY; }
  size(): usize { return this.entries.len + this.hashes.len + this.slots.len + this.content.len; }

  reset(): void {
    this.entries.reset(); this.hashes.reset(); this.content.reset();
    memory.fill(this.slots.ptr, 0, this.slots.len);
  }

  /** intern returns the store ID of the `n` units at `p`, adding them where new. */
  intern(p: usize, n: usize): u32 {
    const bytes = n * this.unit;
    const h = hashBytes(p, bytes);
    if ((this.count() + 1) * 2 > this.slots.len >> 2) this.grow();
    const mask = (this.slots.len >> 2) - 1;
    let i = <usize>h & mask;
    while (true) {
      const at = this.slots.ptr + (i << 2);
      const e = <usize>load<u32>(at);
      if (e == 0) {
        const id = <u32>this.count() + 1;
        store<u32>(at, id);
        if (this.content.len + bytes > this.content.cap) roomFor(this.content, bytes);
        if (this.entries.len + ENTRY > this.entries.cap) roomFor(this.entries, ENTRY);
        if (this.hashes.len + 4 > this.hashes.cap) roomFor(this.hashes, 4);
        const entry = this.entries.grow(ENTRY);
        store<u32>(entry, <u32>(this.content.len / this.unit));
        store<u32>(entry, <u32>n, 4);
        this.content.append(p, bytes);
        this.hashes.push32(h);
        return id;
      }
      const entry = this.entries.ptr + (e - 1) * ENTRY;
      if (this.hashes.get32(e - 1) == h && <usize>load<u32>(entry, 4) == n &&
        memory.compare(this.content.ptr + <usize>load<u32>(entry) * this.unit, p, bytes) == 0) return <u32>e;
      i = (i + 1) & mask;
    }
  }

  // grow doubles the hash table (at least 1024 slots) and puts every entry
  // back by its kept hash.
  private grow(): void {
    const cap = max<usize>(1024, (this.slots.len >> 2) << 1);
    this.slots.reset();
    const t = this.slots.grow(cap << 2);
    memory.fill(t, 0, cap << 2);
    const mask = cap - 1;
    const n = this.count();
    for (let e: usize = 0; e < n; e++) {
      let i = <usize>this.hashes.get32(e) & mask;
      while (load<u32>(t + (i << 2)) != 0) i = (i + 1) & mask;
      store<u32>(t + (i << 2), <u32>e + 1);
    }
  }
}

// Past this size, a buffer of the store that must grow makes room for the
// whole store at its limit at once (roomFor).
const BIG: usize = 256 << 10;
// The most room roomFor makes at once, whatever the limit.
const MOST_ROOM: usize = 16 << 20;

// roomFor makes room for `n` more bytes in `v`, a buffer of the store that
// lacks it. Past BIG, it makes room up to the store's limit: room never
// written costs no memory (a page is only given on its first write), while
// growing step by step copies the buffer into fresh pages at each doubling
// and leaves the old ones behind, written for nothing but the next copy.
function roomFor(v: Vec, n: usize): void {
  const most = min(limit, MOST_ROOM);
  v.reserve(v.cap >= BIG && v.len + n < most ? most - v.len : n);
}

/** Store is one epoch's strings and stacks. */
class Store {
  epoch: u32 = 0;
  strings: Index = new Index(1);
  stacks: Index = new Index(FRAME);

  size(): usize { return this.strings.size() + this.stacks.size(); }

  reset(epoch: u32): void {
    this.epoch = epoch;
    this.strings.reset();
    this.stacks.reset();
  }
}

let live = new Store();
let retired = new Store();
live.epoch = 1;

/** resetStore forgets every string and stack, for a new trace. */
export function resetStore(): void {
  live.reset(1);
  retired.reset(0);
}

/** startEpochIfFull retires the store where it has passed its limit; the
 * reader calls it as a generation starts, before the generation's tables are
 * interned. */
export function startEpochIfFull(): void {
  if (live.size() <= limit) return;
  const old = live;
  live = retired;
  retired = old;
  live.reset(old.epoch + 1);
}

/** epoch is the number of the live store's epoch (1, 2, …). */
export function epoch(): u32 { return live.epoch; }

// hashBytes hashes `n` bytes at `p` (8 bytes at a time, then the tail) to 32
// bits that depend on every byte.
function hashBytes(p: usize, n: usize): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>n;
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) {
    h = (h ^ load<u64>(p + i)) * 0xff51afd7ed558ccd;
    h ^= h >> 29;
  }
  for (; i < n; i++) h = (h ^ <u64>load<u8>(p + i)) * 0x100000001b3;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  return <u32>(h ^ (h >> 33));
}

/** reserveTables makes room in the live store for a generation's tables
 * before they are interned, as if all were new: `strings` strings of
 * `stringBytes` bytes in all, `stacks` stacks of `frames` frames. Room never
 * written costs nothing, where growing step by step copies the store into
 * fresh pages at each doubling and leaves the old ones behind (12.8M frames:
 * 410 MB of frames, and about as much again outgrown). The room stops at
 * the largest buffer: what the store has already takes none. */
export function reserveTables(strings: usize, stringBytes: usize, stacks: usize, frames: usize): void {
  room(live.strings.content, <u64>stringBytes);
  room(live.strings.entries, <u64>strings * ENTRY);
  room(live.strings.hashes, <u64>strings * 4);
  room(live.stacks.content, <u64>frames * FRAME);
  room(live.stacks.entries, <u64>stacks * ENTRY);
  room(live.stacks.hashes, <u64>stacks * 4);
}

// room makes room for `n` more bytes in `v`, or as many as the largest
// buffer has.
function room(v: Vec, n: u64): void {
  v.reserve(<usize>min(n, <u64>(vecLimit() - v.len)));
}

/** internString returns the store ID of the `n` bytes at `p`, adding them
 * where the store does not have them. */
export function internString(p: usize, n: usize): u32 { return live.strings.intern(p, n); }

/** internStack returns the store ID of the stack of `count` frames at `p`,
 * laid out as the store's frames, adding it where the store does not have it. */
export function internStack(p: usize, count: usize): u32 { return live.stacks.intern(p, count); }

// The store descriptor that storeInfo fills: u32 epoch, u32 strings, u32
// stacks, u32 frames, then the addresses of the string entries, stack
// entries, frames and string bytes, and the string bytes' length.
const info = heap.alloc(STORE_INFO_SIZE);

/** storeInfo describes the live store (`which` 0) or the retired one (1),
 * for TypeScript to read in place or copy out (assembly/README.md). The
 * addresses hold until the next `next()`. */
export function storeInfo(which: u32): usize {
  const s = which == 0 ? live : retired;
  store<u32>(info, s.epoch, STORE_INFO_EPOCH);
  store<u32>(info, <u32>s.strings.count(), STORE_INFO_STRINGS);
  store<u32>(info, <u32>s.stacks.count(), STORE_INFO_STACKS);
  store<u32>(info, <u32>(s.stacks.content.len / FRAME), STORE_INFO_FRAMES);
  store<u32>(info, <u32>s.strings.entries.ptr, STORE_INFO_STRING_ENTRIES);
  store<u32>(info, <u32>s.stacks.entries.ptr, STORE_INFO_STACK_ENTRIES);
  store<u32>(info, <u32>s.stacks.content.ptr, STORE_INFO_FRAMES_AT);
  store<u32>(info, <u32>s.strings.content.ptr, STORE_INFO_BYTES_AT);
  store<u32>(info, <u32>s.strings.content.len, STORE_INFO_BYTES_LENGTH);
  return info;
}
