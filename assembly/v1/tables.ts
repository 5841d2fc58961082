// The old format's string and stack tables, and the tables blob built from
// them. An old trace has no generations: one string table and one stack table
// serve the whole trace, so they are held until the trace has been read.
//
// Strings point into the input, which is kept whole for an old trace (Go's
// reader, too, holds the whole old trace in memory), so no string is copied
// until the blob is built. The blob holds, besides the trace's strings, the
// strings Go's conversion adds: UserLog messages (inline in the old format)
// and the block reasons and STW kinds it names events with, under IDs above
// the trace's own, given as Go gives them.

import { Vec, U64Map } from '../mem';
import { blob } from '../tables';
import {
  TABLES_SIZE, TABLES_STRINGS, TABLES_STACKS, TABLES_FRAMES, TABLES_STRINGS_AT, TABLES_STACKS_AT, TABLES_FRAMES_AT, TABLES_BYTES_AT,
  STRING_ENTRY_SIZE, STRING_ENTRY_ID, STRING_ENTRY_OFFSET, STRING_ENTRY_LENGTH, STACK_ENTRY_SIZE, STACK_ENTRY_ID, STACK_ENTRY_FIRST,
  STACK_ENTRY_COUNT, FRAME_SIZE,
} from '../abi';

// A string entry: u64 id, u32 address of the bytes, u32 length.
const STR: usize = 16;
const strings = new Vec();
const stringIndex = new U64Map();

/** maxStringID is the largest ID among the trace's own strings (0 if none). */
export let maxStringID: u64 = 0;

/** hasString reports whether string `id` has been added. */
export function hasString(id: u64): bool { return stringIndex.has(id); }

/** addString adds string `id`, the `len` bytes at `ptr`; the caller has made
 * sure that `id` is new. */
export function addString(id: u64, ptr: usize, len: u32): void {
  stringIndex.set(id, <u32>(strings.len / STR));
  const e = strings.grow(STR);
  store<u64>(e, id);
  store<u32>(e, <u32>ptr, 8);
  store<u32>(e, len, 12);
  if (id > maxStringID) maxStringID = id;
}

/** stringPtr and stringLen give the bytes of string `id`; an absent ID reads
 * as the empty string, as Go's table lookups that ignore failure do. */
export function stringPtr(id: u64): usize {
  const i = stringIndex.get(id, U32.MAX_VALUE);
  return i == U32.MAX_VALUE ? 0 : <usize>load<u32>(strings.ptr + <usize>i * STR, 8);
}
export function stringLen(id: u64): u32 {
  const i = stringIndex.get(id, U32.MAX_VALUE);
  return i == U32.MAX_VALUE ? 0 : load<u32>(strings.ptr + <usize>i * STR, 12);
}

// ---- Inline strings (UserLog messages), deduplicated as Go does ----

// An inline string: u32 address, u32 length.
const inlines = new Vec();
// FNV-1a hash of the bytes (plus a probe step on collision) to index + 1.
const inlineIndex = new U64Map();

/** inlineCount is the number of distinct inline strings. */
export function inlineCount(): u32 { return <u32>(inlines.len >> 3); }

/** addInline returns the index of the inline string of `len` bytes at `ptr`,
 * adding it if it is new: Go numbers distinct messages in order of arrival. */
export function addInline(ptr: usize, len: u32): u32 {
  let h: u64 = 0xcbf29ce484222325;
  for (let i: u32 = 0; i < len; i++) h = (h ^ <u64>load<u8>(ptr + i)) * 0x100000001b3;
  while (true) {
    const at = inlineIndex.get(h, 0);
    if (at == 0) break;
    const e = inlines.ptr + (<usize>(at - 1) << 3);
    if (load<u32>(e, 4) == len && memory.compare(<usize>load<u32>(e), ptr, len) == 0) return at - 1;
    h++;
  }
  const idx = inlineCount();
  inlineIndex.set(h, idx + 1);
  const e = inlines.grow(8);
  store<u32>(e, <u32>ptr);
  store<u32>(e, len, 4);
  return idx;
}

// ---- Stacks and their frames ----

// A stack entry: u64 id, u32 first PC (index into pcs), u32 number of PCs.
const STK: usize = 16;
const stacks = new Vec();
const stackIndex = new U64Map();
const pcs = new Vec();
// A frame: u64 pc, func string ID, file string ID, line.
const FRAME: usize = FRAME_SIZE;
const frames = new Vec();
const frameIndex = new U64Map();

/** hasStack reports whether stack `id` exists with at least one frame: the
 * only stacks Go keeps, and the only ones events may keep referring to. */
export function hasStack(id: u32): bool { return stackIndex.has(<u64>id); }

/** addStack records stack `id` of `n` frames, whose (pc, func, file, line)
 * quadruples are the u64s at `quads`. A later stack with the same ID replaces
 * it; the first frame seen for a PC describes that PC everywhere. */
export function addStack(id: u32, n: u32, quads: usize): void {
  stackIndex.set(<u64>id, <u32>(stacks.len / STK));
  const e = stacks.grow(STK);
  store<u64>(e, <u64>id);
  store<u32>(e, <u32>(pcs.len >> 3), 8);
  store<u32>(e, n, 12);
  for (let i: u32 = 0; i < n; i++) {
    const q = quads + (<usize>i << 5);
    const pc = load<u64>(q);
    pcs.push64(pc);
    if (!frameIndex.has(pc)) {
      frameIndex.set(pc, <u32>(frames.len / FRAME));
      memory.copy(frames.grow(FRAME), q, FRAME);
    }
  }
}

/** dropStacks forgets every stack and frame: what Go's conversion of a trace
 * with too many strings is left with (see initConvert in convert.ts). */
export function dropStacks(): void {
  stacks.reset(); stackIndex.clear(); pcs.reset();
  frames.reset(); frameIndex.clear();
}

// ---- The strings the conversion adds ----

// Their bytes (UserLog messages stay in the input).
const extraBytes = new Vec();

/** addInlineStrings adds the UserLog messages to the table, as strings
 * `base`, `base` + 1, …: Go gives them IDs above the trace's own. */
export function addInlineStrings(base: u64): void {
  for (let i: usize = 0; i < inlines.len; i += 8) {
    const e = inlines.ptr + i;
    addString(base + <u64>(i >> 3), <usize>load<u32>(e), load<u32>(e, 4));
  }
}

/** addBuiltinStrings adds the strings the conversion names events with:
 * `names`, "|"-separated ASCII, as strings `base`, `base` + 1, …. */
export function addBuiltinStrings(base: u64, names: string): void {
  extraBytes.reset();
  for (let i = 0; i < names.length; i++) store<u8>(extraBytes.grow(1), <u8>names.charCodeAt(i));
  let id = base, from: usize = 0;
  for (let i: usize = 0; i <= extraBytes.len; i++) {
    if (i < extraBytes.len && load<u8>(extraBytes.ptr + i) != 0x7c) continue;
    addString(id++, extraBytes.ptr + from, <u32>(i - from));
    from = i + 1;
  }
}

// ---- Checks of the IDs that printing an event looks up ----

/** MISSING_STRING and MISSING_STACK say what checkStack found missing. */
export const MISSING_STRING: i32 = 1;
export const MISSING_STACK: i32 = 2;
/** missingID is the ID checkStack found missing. */
export let missingID: u64 = 0;

/** checkStack returns 0 where stack `id` (0: none) is in the table with
 * the func and file strings of its frames, else what is missing first, in
 * the order Go looks them up when it prints the stack. */
export function checkStack(id: u64): i32 {
  if (id == 0) return 0;
  const i = stackIndex.get(id, U32.MAX_VALUE);
  if (i == U32.MAX_VALUE) { missingID = id; return MISSING_STACK; }
  const e = stacks.ptr + <usize>i * STK;
  const first = load<u32>(e, 8), n = load<u32>(e, 12);
  for (let k: u32 = 0; k < n; k++) {
    const f = frames.ptr + <usize>frameIndex.get(pcs.get64(<usize>(first + k)), 0) * FRAME;
    for (let j: usize = 8; j <= 16; j += 8) {
      const s = load<u64>(f + j);
      if (s != 0 && !hasString(s)) { missingID = s; return MISSING_STRING; }
    }
  }
  return 0;
}

// ---- The blob ----

/** buildBlob writes the tables blob (assembly/README.md) of the old trace,
 * into the blob the ordered reader hands out: the old trace's one
 * generation. It lays out every string and every stack with its frames. */
export function buildBlob(): void {
  const nStr = <u32>(strings.len / STR);
  let nStk: u32 = 0, nFrames: u32 = 0, strBytes: usize = 0;
  for (let i: usize = 0; i < strings.len; i += STR) strBytes += <usize>load<u32>(strings.ptr + i, 12);
  for (let i: usize = 0; i < stacks.len; i += STK) {
    if (!isCurrentStack(i)) continue;
    nStk++;
    nFrames += load<u32>(stacks.ptr + i, 12);
  }
  const strAt = TABLES_SIZE, stkAt = strAt + <usize>nStr * STRING_ENTRY_SIZE, frAt = stkAt + <usize>nStk * STACK_ENTRY_SIZE;
  const bytesAt = frAt + <usize>nFrames * FRAME_SIZE;
  blob.reset();
  const b = blob.grow(bytesAt + strBytes);
  memory.fill(b, 0, TABLES_SIZE);
  store<u32>(b, nStr, TABLES_STRINGS); store<u32>(b, nStk, TABLES_STACKS); store<u32>(b, nFrames, TABLES_FRAMES);
  store<u32>(b, <u32>strAt, TABLES_STRINGS_AT); store<u32>(b, <u32>stkAt, TABLES_STACKS_AT);
  store<u32>(b, <u32>frAt, TABLES_FRAMES_AT); store<u32>(b, <u32>bytesAt, TABLES_BYTES_AT);
  let s = b + strAt, o: usize = 0;
  for (let i: usize = 0; i < strings.len; i += STR) {
    const e = strings.ptr + i;
    o = putString(s, b + bytesAt, o, load<u64>(e), <usize>load<u32>(e, 8), load<u32>(e, 12));
    s += STRING_ENTRY_SIZE;
  }
  putStacks(b + stkAt, b + frAt);
}

// putString writes a string entry at `entry` and its bytes at `bytes` + `o`;
// it returns the offset after them.
function putString(entry: usize, bytes: usize, o: usize, id: u64, ptr: usize, len: u32): usize {
  store<u64>(entry, id, STRING_ENTRY_ID);
  store<u32>(entry, <u32>o, STRING_ENTRY_OFFSET);
  store<u32>(entry, len, STRING_ENTRY_LENGTH);
  memory.copy(bytes + o, ptr, len);
  return o + <usize>len;
}

// putStacks writes the stacks that are current (not replaced by a later one
// with the same ID) and their frames, resolved through the PC table.
function putStacks(s: usize, f: usize): void {
  let nf: u32 = 0;
  for (let i: usize = 0; i < stacks.len; i += STK) {
    if (!isCurrentStack(i)) continue;
    const e = stacks.ptr + i;
    const first = load<u32>(e, 8), n = load<u32>(e, 12);
    store<u64>(s, load<u64>(e), STACK_ENTRY_ID);
    store<u32>(s, nf, STACK_ENTRY_FIRST);
    store<u32>(s, n, STACK_ENTRY_COUNT);
    s += STACK_ENTRY_SIZE;
    for (let k: u32 = 0; k < n; k++) {
      const fr = frameIndex.get(pcs.get64(<usize>(first + k)), 0);
      memory.copy(f, frames.ptr + <usize>fr * FRAME, FRAME);
      f += FRAME;
    }
    nf += n;
  }
}

// isCurrentStack reports whether the stack entry at byte `i` is the one its
// ID now names.
@inline function isCurrentStack(i: usize): bool {
  return stackIndex.get(load<u64>(stacks.ptr + i), U32.MAX_VALUE) == <u32>(i / STK);
}

/** resetTables forgets every table, for a new trace. */
export function resetTables(): void {
  strings.reset(); stringIndex.clear(); maxStringID = 0;
  inlines.reset(); inlineIndex.clear();
  dropStacks();
  extraBytes.reset();
}
