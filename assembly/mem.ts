// Memory primitives of the core. The core is built with the stub runtime: it
// allocates with a bump allocator and never frees. Every buffer is therefore
// made once, at start, and reused: a Vec is reset (length 0) rather than
// dropped, and it grows geometrically, so the memory a reading needs is bounded
// by a small multiple of its largest generation, however long the trace.

// Blocks that a Vec or U64Map outgrew, by the log2 of their size (always a
// power of two): the next buffer to grow to that size takes one before the
// allocator hands out fresh memory. The stub runtime never frees, and touching
// fresh pages is what costs (the host zero-fills each page on first use: about
// 4 ms per MiB), so reusing the outgrown blocks keeps a reading's footprint
// near its live buffers instead of twice them.
import { fail } from './errors';
import { offset } from './input';
import { E_TOO_LARGE } from './error-codes';

const FREE_CLASSES: usize = 32;
const freeHeads = heap.alloc(FREE_CLASSES << 2);
memory.fill(freeHeads, 0, FREE_CLASSES << 2);

// A block of class k is at least 2^k bytes: powers of two, and the largest
// buffer's block (MAX_VEC), which is not one. takeHead is the list that a
// block of `size` bytes may come from (size rounded up to a power of two),
// giveHead the one a block of `size` goes to (rounded down).
@inline function takeHead(size: usize): usize { return freeHeads + ((32 - <usize>clz(size - 1)) << 2); }
@inline function giveHead(size: usize): usize { return freeHeads + ((31 - <usize>clz(size)) << 2); }

/** takeBlock returns a block of `size` bytes (a power of two, or MAX_VEC),
 * an outgrown one where there is one, else a fresh one. */
export function takeBlock(size: usize): usize {
  const head = takeHead(size);
  const b = <usize>load<u32>(head);
  if (b) { store<u32>(head, load<u32>(b)); return b; }
  return alloc(size);
}

// The stub runtime grows memory by at least its whole size whenever a block
// passes its end, so that memory ends up as much as twice what the core uses:
// never touched, so no cost in time or RSS, but it is the size the host
// reports. Before allocating a block, the core grows memory itself to what
// the block needs and a sixteenth more, so that the runtime need not.
const ROOM: usize = 256 << 10;

/** MAX_PAGES is the most memory the core takes, in 64 KiB pages: 4 GiB less
 * a page, so that the end of every block, and the size of memory in bytes,
 * fit in 32 bits. Past it a block's end would wrap around to the bottom of
 * memory, where the stub runtime, which does no checking, would hand out
 * memory already in use. */
const MAX_PAGES: u64 = 65535;

// The core's own limit on its memory, in pages (memoryLimit; MAX_PAGES unless
// the tests lower it).
let maxPages: u64 = MAX_PAGES;

/** memoryLimit sets the most memory the core may take, in bytes (rounded
 * down to 64 KiB pages; at most 4 GiB less a page, which 0 stands for). For
 * the tests, which read what happens at the limit without the memory. */
export function memoryLimit(bytes: u32): void {
  maxPages = bytes == 0 ? MAX_PAGES : min(MAX_PAGES, <u64>bytes >> 16);
}

// makeRoom grows memory where a block of `size` bytes would pass its end,
// and stops the reading with a named error (tooLarge) where memory cannot
// take it: past the core's limit, or where the host refuses to grow.
function makeRoom(size: usize): void {
  // The next block starts at the heap's top: an empty block freed at once
  // (the stub runtime takes back the last block) shows where that is.
  const top = heap.alloc(0);
  heap.free(top);
  const end = <u64>top + <u64>size + 64; // the block's header and alignment
  const have = <u64>memory.size() << 16;
  if (end <= have) return;
  const most = maxPages << 16;
  if (end > most) outOfMemory(end, most);
  const want = min(most, end + max(<u64>ROOM, end >> 4));
  if (memory.grow(<i32>((want - have + 0xffff) >> 16)) < 0 &&
    memory.grow(<i32>((end - have + 0xffff) >> 16)) < 0) outOfMemory(end, have);
}

// outOfMemory stops the reading where its memory would have to pass `limit`
// bytes to reach `end`: the named error (tooLarge's, code 7) at the offset
// where the reading stands, then a trap, as tooLarge does.
function outOfMemory(end: u64, limit: u64): void {
  fail(E_TOO_LARGE, offset(), 0, end, limit, TOO_LARGE_MEMORY);
  unreachable();
}

/** alloc returns a fresh block of `size` bytes, where memory can take it:
 * every allocation of the core goes through here or takeBlock, never to the
 * runtime directly, which does not check that memory could grow. */
export function alloc(size: usize): usize {
  makeRoom(size);
  return heap.alloc(size);
}

/** occupy takes `bytes` of memory that nothing uses or touches, as a long
 * reading would have: the tests use it to bring the core near the top of its
 * memory at no cost in RAM (pages never written are never given). */
export function occupy(bytes: u32): void {
  for (let left = <usize>bytes; left > 0;) {
    const n = min(left, MAX_VEC);
    alloc(n);
    left -= n;
  }
}

/** giveBlock hands back a block of `size` bytes (a power of two, at least 4,
 * or MAX_VEC) that its owner has outgrown, for takeBlock to reuse. */
export function giveBlock(ptr: usize, size: usize): void {
  const head = giveHead(size);
  store<u32>(ptr, load<u32>(head));
  store<u32>(head, <u32>ptr);
}

/** MAX_VEC is the largest buffer the core makes: buffers are powers of two
 * up to 512 MiB, then this, as large as the stub runtime's blocks go (they
 * stop short of 1 GiB). A goroutine's record is 48 bytes: 22 million of them
 * fit, where Go's reader has been seen to read 12 million. */
export const MAX_VEC: usize = (1 << 30) - 64;

// The largest buffer the core makes: MAX_VEC unless the tests lower it
// (bufferLimit).
let maxVec: usize = MAX_VEC;

/** vecLimit is the largest buffer the core makes (MAX_VEC, or bufferLimit's). */
export function vecLimit(): usize { return maxVec; }

/** bufferLimit sets the largest buffer the core makes, in bytes (rounded
 * down to 64; at most MAX_VEC, which 0 stands for). For the tests, which read
 * what happens at the limit without the memory. */
export function bufferLimit(bytes: u32): void {
  maxVec = bytes == 0 ? MAX_VEC : min(MAX_VEC, <usize>bytes & ~63);
}

/** TOO_LARGE_BUFFER and TOO_LARGE_MEMORY are what the third number of error
 * 7 (tooLarge) says ran out: one buffer (past MAX_VEC), or the core's memory
 * as a whole. */
export const TOO_LARGE_BUFFER: u64 = 0;
export const TOO_LARGE_MEMORY: u64 = 1;

/** tooLarge stops the reading when a buffer would pass MAX_VEC (a generation
 * of more than 512 MiB, an old-format trace of millions of events): it records
 * a named error at stream offset `at` (by default where the reading stands),
 * then traps, since no caller of reserve() can go on without the room it asked
 * for; the TypeScript layer reports the recorded error. */
export function tooLarge(need: usize, at: u64 = offset(), limit: usize = maxVec): void {
  fail(E_TOO_LARGE, at, 0, <u64>need, <u64>limit, TOO_LARGE_BUFFER);
  unreachable();
}

/** Vec is a growable run of bytes in linear memory, reused across generations. */
export class Vec {
  ptr: usize = 0;
  len: usize = 0;
  cap: usize = 0;

  /** reset empties the vector and keeps its memory. */
  @inline reset(): void { this.len = 0; }

  /** reserve makes room for `n` more bytes and returns where they go.
   * The vector's pointer may move: callers keep offsets, not pointers, across it. */
  reserve(n: usize): usize {
    const need = this.len + n;
    if (need > this.cap) {
      if (need > maxVec || need < this.len) tooLarge(need);
      let cap = this.cap < 64 ? <usize>64 : this.cap;
      while (cap < need && cap <= maxVec >> 1) cap <<= 1;
      if (cap < need) cap = maxVec;
      this.move(cap);
      this.cap = cap;
    }
    return this.ptr + this.len;
  }

  // move puts the bytes in a block of `cap` bytes: an outgrown block of that
  // size, else the allocator's (which extends in place when this block is the
  // last one allocated), and hands the old block back when it moved. Not the
  // allocator's for the largest: where it cannot extend in place, it takes twice
  // the old size, past the largest block it can make.
  private move(cap: usize): void {
    const old = this.ptr;
    if (!old) { this.ptr = takeBlock(cap); return; }
    const b = load<u32>(takeHead(cap));
    if (b || cap == maxVec) {
      this.ptr = takeBlock(cap);
      memory.copy(this.ptr, old, this.len);
    } else {
      makeRoom(cap);
      this.ptr = heap.realloc(old, cap);
    }
    if (this.ptr != old) giveBlock(old, this.cap);
  }

  /** grow appends `n` uninitialised bytes and returns their address. */
  @inline grow(n: usize): usize {
    const at = this.reserve(n);
    this.len += n;
    return at;
  }

  /** append copies `n` bytes from `src` to the end. */
  append(src: usize, n: usize): void {
    memory.copy(this.grow(n), src, n);
  }

  @inline push64(v: u64): void { store<u64>(this.grow(8), v); }
  @inline push32(v: u32): void { store<u32>(this.grow(4), v); }
  @inline get64(i: usize): u64 { return load<u64>(this.ptr + (i << 3)); }
  @inline set64(i: usize, v: u64): void { store<u64>(this.ptr + (i << 3), v); }
  @inline get32(i: usize): u32 { return load<u32>(this.ptr + (i << 2)); }
  @inline set32(i: usize, v: u32): void { store<u32>(this.ptr + (i << 2), v); }

  /** discard drops the first `n` bytes, moving the rest to the front. */
  discard(n: usize): void {
    if (n >= this.len) { this.len = 0; return; }
    memory.copy(this.ptr, this.ptr + n, this.len - n);
    this.len -= n;
  }
}

// A slot of U64Map: the key, the value, and the key's hash with the low bit
// set (U64Map.top; 0: the slot is free). Keeping the hash lets a delete find
// where each later member of its probe run belongs, and a rehash where each
// entry goes, without hashing the keys again.
const SLOT: usize = 16;
const TAKEN: u32 = 1;

/** U64Map maps 64-bit keys to 32-bit values: goroutine, proc and thread IDs to
 * the index of their state, string and stack IDs to their table entry. It uses
 * open addressing with linear probing and deletes by shifting back, so lookups
 * stay short without tombstones. Any key, 0 and 2^64-1 included, may be used. */
export class U64Map {
  slots: usize = 0;
  mask: usize = 0; // capacity - 1; capacity is a power of two
  shift: usize = 0; // 32 - log2(capacity): home() keeps the top log2(capacity) bits
  size: usize = 0;

  constructor() { this.alloc(16); }

  private alloc(cap: usize): void {
    // An outgrown table goes back to the blocks for reuse (giveBlock).
    if (cap * SLOT > maxVec) tooLarge(cap * SLOT);
    this.slots = takeBlock(cap * SLOT);
    memory.fill(this.slots, 0, cap * SLOT);
    this.mask = cap - 1;
    this.shift = 32 - <usize>ctz(cap);
    this.size = 0;
  }

  // top returns the top 32 bits of the key times 2^64 / phi (Fibonacci
  // hashing), the lowest bit (TAKEN, never among those home() keeps) set:
  // the high bits of the product depend on every bit of the key, and dense,
  // mostly increasing IDs (goroutines) land spread almost evenly over the
  // table, so probe runs stay short.
  @inline private static top(k: u64): u32 {
    return <u32>((k * 0x9E3779B97F4A7C15) >> 32) | TAKEN;
  }

  // home returns the slot where a key whose top() is `t` starts its probe:
  // the top bits, as many as the capacity needs (one shift, no mask).
  @inline private home(t: u32): usize {
    return <usize>(t >> <u32>this.shift);
  }

  /** clear removes every key and keeps the table's memory. */
  clear(): void {
    if (this.size == 0) return;
    memory.fill(this.slots, 0, (this.mask + 1) * SLOT);
    this.size = 0;
  }

  /** find returns the slot holding `k`, or 0 where `k` is absent. */
  @inline private find(k: u64): usize {
    let i = this.home(U64Map.top(k));
    while (true) {
      const s = this.slots + i * SLOT;
      if (load<u32>(s, 12) == 0) return 0;
      if (load<u64>(s) == k) return s;
      i = (i + 1) & this.mask;
    }
  }

  /** has reports whether `k` is present. */
  @inline has(k: u64): bool { return this.find(k) != 0; }

  /** get returns the value of `k`, or `dflt` where `k` is absent. */
  @inline get(k: u64, dflt: u32): u32 {
    const s = this.find(k);
    return s ? load<u32>(s, 8) : dflt;
  }

  /** set stores `v` under `k`. */
  set(k: u64, v: u32): void {
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) this.rehash((this.mask + 1) << 1);
    const h = U64Map.top(k);
    let i = this.home(h);
    while (true) {
      const s = this.slots + i * SLOT;
      if (load<u32>(s, 12) == 0) {
        store<u64>(s, k); store<u32>(s, v, 8); store<u32>(s, h, 12);
        this.size++;
        return;
      }
      if (load<u64>(s) == k) { store<u32>(s, v, 8); return; }
      i = (i + 1) & this.mask;
    }
  }

  /** delete removes `k` if present and reports whether it was. */
  delete(k: u64): bool {
    let s = this.find(k);
    if (!s) return false;
    // Shift later members of the probe run back into the hole.
    let i = (s - this.slots) / SLOT;
    let j = i;
    while (true) {
      j = (j + 1) & this.mask;
      const t = this.slots + j * SLOT;
      if (load<u32>(t, 12) == 0) break;
      const home = this.home(load<u32>(t, 12));
      // Move t into the hole at i unless its home lies cyclically in (i, j].
      const inRange = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!inRange) {
        v128.store(this.slots + i * SLOT, v128.load(t)); // a memory.copy this small costs a call
        i = j;
      }
    }
    store<u32>(this.slots + i * SLOT, 0, 12);
    this.size--;
    return true;
  }

  /** keyAt, valueAt and usedAt read slot `slot` (0 to capacity()-1), for walking every entry. */
  keyAt(slot: usize): u64 { return load<u64>(this.slots + slot * SLOT); }
  valueAt(slot: usize): u32 { return load<u32>(this.slots + slot * SLOT, 8); }
  usedAt(slot: usize): bool { return load<u32>(this.slots + slot * SLOT, 12) != 0; }
  capacity(): usize { return this.mask + 1; }

  private rehash(cap: usize): void {
    const old = this.slots, oldCap = this.mask + 1, size = this.size;
    this.alloc(cap);
    this.size = size;
    // The keys are distinct, so each goes to the first free slot from its home.
    for (let i: usize = 0; i < oldCap; i++) {
      const s = old + i * SLOT;
      const h = load<u32>(s, 12);
      if (h == 0) continue;
      let j = this.home(h);
      while (load<u32>(this.slots + j * SLOT, 12) != 0) j = (j + 1) & this.mask;
      v128.store(this.slots + j * SLOT, v128.load(s));
    }
    giveBlock(old, oldCap * SLOT);
  }
}

/** IdMap maps IDs to 32-bit values as U64Map does, for IDs that mostly come
 * dense from 1, as the runtime numbers strings and stacks: those are kept in
 * a plain array, four bytes an ID, where a hash slot takes sixteen and the
 * table is at most three quarters full (and its outgrown tables were touched
 * too). An ID far beyond the number of entries goes to a U64Map instead, so
 * that a crafted ID costs no more than a slot. */
export class IdMap {
  // Value + 1 of each ID below dense.len / 4 (0: absent).
  private dense: Vec = new Vec();
  private sparse: U64Map = new U64Map();
  private added: u64 = 0;

  /** clear removes every ID and keeps the memory. */
  clear(): void {
    this.dense.reset();
    this.sparse.clear();
    this.added = 0;
  }

  /** get returns the value of `id`, or `dflt` where `id` is absent. */
  @inline get(id: u64, dflt: u32): u32 {
    if (id < <u64>(this.dense.len >> 2)) {
      const v = load<u32>(this.dense.ptr + (<usize>id << 2));
      if (v != 0) return v - 1;
    }
    return this.sparse.size == 0 ? dflt : this.sparse.get(id, dflt);
  }

  /** has reports whether `id` is present. */
  @inline has(id: u64): bool {
    if (id < <u64>(this.dense.len >> 2) && load<u32>(this.dense.ptr + (<usize>id << 2)) != 0) return true;
    return this.sparse.size != 0 && this.sparse.has(id);
  }

  /** set stores `v` (below 2^32-1) under `id`. */
  set(id: u64, v: u32): void {
    this.added++;
    if (this.sparse.size != 0 && this.sparse.has(id)) { this.sparse.set(id, v); return; }
    if (id >= this.added * 8 + 1024) { this.sparse.set(id, v); return; }
    const need = (<usize>id + 1) << 2;
    if (need > this.dense.len) {
      const old = this.dense.len;
      memory.fill(this.dense.grow(need - old), 0, need - old);
    }
    store<u32>(this.dense.ptr + (<usize>id << 2), v + 1);
  }
}

// PagedMap's pages: 128 IDs each, a u32 per ID (value + 1; 0: absent). Not
// 256: order-state.ts's Table caches lookups by the ID's low 8 bits, and
// with the same bits for the page slot V8 keeps that value alive across its
// lookups, a move more on each (callgrind).
const PAGE_BITS: u64 = 7;
const PAGE_IDS: usize = 1 << <usize>PAGE_BITS;
const PAGE_BYTES: usize = PAGE_IDS << 2;
// A directory entry: u32 the page's address (0: none), u32 its live IDs.
const DIR_ENTRY: usize = 8;

/** PagedMap maps IDs to 32-bit values as U64Map does, with deletion, for IDs
 * that come dense and mostly increasing while only a window of them is live
 * at a time: goroutines, created and destroyed by the hundred thousand. An ID
 * is a slot of a page of 128, found through a directory by its high bits, so
 * adding or removing one is a store and a count, where a hash table probes and
 * shifts its run back. A page that empties goes to a list of spare pages (all
 * zero already) for the next, so the pages touched follow the live window, not
 * the range of IDs. IDs the pages would hold at too high a cost in memory (far
 * beyond the number added, or scattered one to a page) go to a U64Map, so
 * that crafted IDs cost no more than they do there. */
export class PagedMap {
  private dir: Vec = new Vec();
  // dir.ptr and the directory's entries, kept here: one load each on every
  // lookup instead of two.
  private dirAt: usize = 0;
  private dirPages: u64 = 0;
  private spare: usize = 0; // the first spare page; each holds the next in its first word
  private pages: usize = 0; // pages in the directory
  private size: usize = 0; // IDs in the pages
  private added: usize = 0; // calls of set since clear
  private sparse: U64Map = new U64Map();

  /** clear removes every ID and keeps the memory: the pages become spare. */
  clear(): void {
    for (let d = this.dir.ptr, end = d + this.dir.len; d < end; d += DIR_ENTRY) {
      const page = <usize>load<u32>(d);
      if (!page) continue;
      memory.fill(page, 0, PAGE_BYTES);
      this.giveSpare(page);
    }
    this.dir.reset();
    this.dirPages = 0;
    this.pages = 0;
    this.size = 0;
    this.added = 0;
    this.sparse.clear();
  }

  // slotOf returns the address of `id`'s u32 in its page, or 0 where there is
  // no page for it.
  @inline private slotOf(id: u64): usize {
    const p = id >> PAGE_BITS;
    if (p >= this.dirPages) return 0;
    const page = <usize>load<u32>(this.dirAt + <usize>p * DIR_ENTRY);
    return page ? page + ((<usize>id & (PAGE_IDS - 1)) << 2) : 0;
  }

  /** get returns the value of `id`, or `dflt` where `id` is absent. */
  @inline get(id: u64, dflt: u32): u32 {
    const s = this.slotOf(id);
    if (s) {
      const v = load<u32>(s);
      if (v != 0) return v - 1;
    }
    return this.sparse.size == 0 ? dflt : this.sparseGet(id, dflt);
  }

  // sparseGet is get from the U64Map, out of line: most lookups never come here.
  private sparseGet(id: u64, dflt: u32): u32 { return this.sparse.get(id, dflt); }

  /** set stores `v` (below 2^32-1) under `id`. Inlined where the ID's page
   * is there and the ID cannot be in the U64Map, as nearly always. */
  @inline set(id: u64, v: u32): void {
    const s = this.slotOf(id);
    if (s && this.sparse.size == 0) {
      this.added++;
      if (load<u32>(s) == 0) this.count(id, 1);
      store<u32>(s, v + 1);
    } else {
      this.setSlow(id, v);
    }
  }

  // setSlow is set where the ID has no page or may be in the U64Map.
  private setSlow(id: u64, v: u32): void {
    this.added++;
    // An ID added while its page was missing stays in the U64Map.
    if (this.sparse.size != 0 && this.sparse.has(id)) { this.sparse.set(id, v); return; }
    let s = this.slotOf(id);
    if (!s) {
      s = this.newPage(id);
      if (!s) { this.sparse.set(id, v); return; }
    }
    if (load<u32>(s) == 0) this.count(id, 1);
    store<u32>(s, v + 1);
  }

  // count adds `n` (1 or -1) to the IDs in `id`'s page, and gives the page
  // to the spare list where that leaves it empty.
  @inline private count(id: u64, n: u32): void {
    const d = this.dirAt + <usize>(id >> PAGE_BITS) * DIR_ENTRY;
    const live = load<u32>(d, 4) + n;
    store<u32>(d, live, 4);
    this.size += <usize>(<i32>n);
    if (live == 0) this.dropPage(d);
  }

  // dropPage moves the empty page of directory entry `d` to the spare list.
  private dropPage(d: usize): void {
    this.giveSpare(<usize>load<u32>(d));
    store<u32>(d, 0);
    this.pages--;
  }

  /** delete removes `id` if present and reports whether it was. */
  @inline delete(id: u64): bool {
    const s = this.slotOf(id);
    if (s && load<u32>(s) != 0) {
      store<u32>(s, 0);
      this.count(id, -1);
      return true;
    }
    return this.sparse.size != 0 && this.sparseDelete(id);
  }

  // sparseDelete is delete from the U64Map, out of line.
  private sparseDelete(id: u64): bool { return this.sparse.delete(id); }

  // newPage puts a page in the directory for `id` and returns the address of
  // its u32 there, or 0 where the page would cost too much: a directory
  // longer than 4096 entries and one per ID added (8 bytes for every 128
  // IDs), or more pages than 16 and one for every 16 IDs in them.
  private newPage(id: u64): usize {
    const p = id >> PAGE_BITS;
    if (p >= <u64>(4096 + this.added) || this.pages >= 16 + (this.size >> 4)) return 0;
    const have = this.dir.len / DIR_ENTRY;
    if (<usize>p >= have) {
      const more = (<usize>p + 1 - have) * DIR_ENTRY;
      memory.fill(this.dir.grow(more), 0, more);
      this.dirAt = this.dir.ptr;
      this.dirPages = p + 1;
    }
    let page = this.spare;
    if (page) {
      this.spare = <usize>load<u32>(page);
      store<u32>(page, 0);
    } else {
      page = takeBlock(PAGE_BYTES);
      memory.fill(page, 0, PAGE_BYTES);
    }
    store<u32>(this.dirAt + <usize>p * DIR_ENTRY, <u32>page);
    this.pages++;
    return page + ((<usize>id & (PAGE_IDS - 1)) << 2);
  }

  // giveSpare puts an empty page, all zero, on the spare list.
  @inline private giveSpare(page: usize): void {
    store<u32>(page, <u32>this.spare);
    this.spare = page;
  }
}
