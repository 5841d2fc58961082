// Interned names: task and region names that must outlive the generation whose
// string table they came from. Go keeps such names as Go strings (a task's name
// for its UserTaskEnd, which may come generations later; region names, compared
// by content because string IDs change from one generation to the next). The
// core keeps each distinct name once, in an arena that TypeScript reads: a
// name is its offset there, so equal offsets mean equal names.
//
// The arena holds `u32 length` then the bytes, name after name; offset 0 is
// the empty name. The length is 32 bits because an old trace's strings may be
// up to 1e6 bytes long (a new trace's, MAX_STRING_SIZE), and Go keeps a task
// or region name whole. The arena grows by the distinct names interned, each
// of which came from the input. So that it does not grow with the whole trace,
// the ordering compacts it between generations: it starts the other of two
// arenas and moves there the names still in use.

import { Vec, alloc } from './mem';
import { NAME_SIZE, NAME_LENGTH, NAME_BYTES } from './abi';

let arena = new Vec();
let other = new Vec(); // the arena before the last compaction
let liveBytes: usize = 0; // the arena's size after the last compaction
/** Below this size the arena is never compacted. */
const COMPACT_MIN: usize = 4 << 10;

// The index: open addressing over `slots` (a power of two), each slot a u32
// arena offset (0 = free, as the empty name is never indexed) and the low 32
// bits of the name's hash, to skip most byte comparisons.
let slots: usize = 0;
let mask: u32 = 0;
let used: u32 = 0;

resetNames();

/** namesPtr returns the arena's address (exported to TypeScript as names()).
 * It may change whenever a name is interned, so read it after each call. */
export function namesPtr(): usize { return arena.ptr; }

/** intern returns the arena offset of the name of `len` bytes at `ptr`,
 * adding it if it is new; 0 for the empty name. */
export function intern(ptr: usize, len: u32): u32 {
  if (len == 0) return 0;
  const h = hash(ptr, len);
  let i = h & mask;
  while (true) {
    const s = slots + (<usize>i << 3);
    const off = load<u32>(s);
    if (off == 0) break;
    if (load<u32>(s, 4) == h && equal(off, ptr, len)) return off;
    i = (i + 1) & mask;
  }
  const off = <u32>arena.len;
  store<u32>(arena.grow(NAME_SIZE), len, NAME_LENGTH);
  arena.append(ptr, len);
  if ((used + 1) * 4 > (mask + 1) * 3) rehash((mask + 1) << 1);
  place(off, h);
  used++;
  return off;
}

/** nameLen and nameBytes read the name at arena offset `off`. */
@inline export function nameLen(off: u32): u32 { return load<u32>(arena.ptr + off, NAME_LENGTH); }
@inline export function nameBytes(off: u32): usize { return arena.ptr + off + NAME_BYTES; }

/** resetNames forgets every name, for a new trace. */
export function resetNames(): void {
  arena.reset();
  store<u32>(arena.grow(NAME_SIZE), 0, NAME_LENGTH); // offset 0: the empty name
  if (slots == 0) {
    slots = alloc(64 << 3);
    mask = 63;
  }
  memory.fill(slots, 0, (<usize>mask + 1) << 3);
  used = 0;
  liveBytes = 0;
}

/** compactBegin starts a compaction where the arena has grown to more than
 * twice what was in use after the last one, and reports whether it did: the
 * caller then moves every name in use with compactMove. Records that name
 * arena offsets must all have been read, as offsets change. */
export function compactBegin(): bool {
  if (arena.len < COMPACT_MIN || arena.len < liveBytes * 2) return false;
  const t = other;
  other = arena;
  arena = t;
  resetNames();
  return true;
}

/** compactMove returns the new offset of the name at `off` in the arena as it
 * was before compactBegin. */
export function compactMove(off: u32): u32 {
  if (off == 0) return 0;
  return intern(other.ptr + off + NAME_BYTES, load<u32>(other.ptr + off, NAME_LENGTH));
}

/** compactEnd ends a compaction. */
export function compactEnd(): void { liveBytes = arena.len; }

// place puts offset `off` with hash `h` in the first free slot of its run.
function place(off: u32, h: u32): void {
  let i = h & mask;
  while (load<u32>(slots + (<usize>i << 3)) != 0) i = (i + 1) & mask;
  store<u32>(slots + (<usize>i << 3), off);
  store<u32>(slots + (<usize>i << 3), h, 4);
}

// rehash moves the index to `n` slots. Under the stub runtime the old slots
// are not reclaimed; doubling bounds the waste.
function rehash(n: u32): void {
  const old = slots, oldN = mask + 1;
  slots = alloc(<usize>n << 3);
  memory.fill(slots, 0, <usize>n << 3);
  mask = n - 1;
  for (let i: u32 = 0; i < oldN; i++) {
    const s = old + (<usize>i << 3);
    const off = load<u32>(s);
    if (off != 0) place(off, load<u32>(s, 4));
  }
}

// equal reports whether the name at `off` is the `len` bytes at `ptr`.
function equal(off: u32, ptr: usize, len: u32): bool {
  if (nameLen(off) != len) return false;
  return memory.compare(nameBytes(off), ptr, len) == 0;
}

// hash is FNV-1a over the bytes: names are short.
function hash(ptr: usize, len: u32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i: u32 = 0; i < len; i++) {
    h = (h ^ <u32>load<u8>(ptr + i)) * 0x01000193;
  }
  return h;
}
