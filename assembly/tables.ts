// The string and stack tables of one generation (Go's evTable: its dataTable
// of strings, its dataTable of stacks and its map from PC to frame), and the
// tables blob that hands them to TypeScript; and each entry's store ID
// (intern.ts), which events carry in place of the generation's IDs.
// Everything here is reset and reused for each generation.
//
// Like Go's dataTable, a table treats ID 0 as always present (the empty string,
// the empty stack), so that inserting ID 0 fails as a duplicate.

import { IdMap, Vec } from './mem';
import { uvarint, varValue } from './input';
import { hold, rdStart, rdLeft, rdByte, rdUvarint, rdPos, rdVal } from './batch';
import { EvString, EvStack, MAX_STRING_SIZE, MAX_FRAMES_PER_STACK } from './format';
import {
  TABLES_SIZE, TABLES_FLAGS, TABLES_STORE_IDS, TABLES_EPOCH, TABLES_STRINGS_AT, TABLES_BYTES_AT, FRAME_SIZE, FRAME_PC, FRAME_FUNC,
  FRAME_FILE, FRAME_LINE,
} from './abi';
import { ERROR } from './errors';
import { epoch, internStack, internString, reserveTables, startEpochIfFull } from './intern';
import {
  E_FRAME_PC, E_STACK_DUPLICATE, E_STACK_EVENT, E_STACK_FILE_STRING, E_STACK_FUNC_STRING, E_STACK_TOO_LARGE,
  E_STRING_DUPLICATE, E_STRING_EVENT, E_STRING_SHORT, E_STRING_TOO_LARGE, E_TABLE_VARINT,
} from './error-codes';

// A string entry's address is where the string lies in the input, which holds
// the generation's batches in place (input.ts holdInput) as long as the
// tables are in use: its bytes are not copied.
// So are the frames': a frame is a u32, the address of its four varints (PC,
// func string ID, file string ID, line), read again where they are needed;
// and a stack is a list of frame numbers, u32 each. Where a generation's
// stacks bring millions of frames, this holds 4 bytes a distinct PC and 4 a
// frame of a stack, where a copy of each frame (32 bytes) and the stacks' u64
// PCs held 40 (20,000 stacks of 128 distinct frames: 584 MB peak, now 479).
const STRING_ENTRY: usize = 16; // u64 id, u32 address, u32 length
const STACK_ENTRY: usize = 16; // u64 id, u32 first frame in stackFrameIds, u32 frame count
const FRAME: usize = FRAME_SIZE; // a frame in the store (format/abi.mjs)

const stringIds = new IdMap();
const strings = new Vec();
const stackIds = new IdMap();
const stacks = new Vec();
const stackFrameIds = new Vec();
const frames = new Vec();

// The PC table: the frame of each PC of the generation, an open-addressing
// hash table of frame numbers + 1 (u32; 0: free), at most half full, whose
// keys, the PCs, are read again from the frames: 4 bytes a slot where a table
// of u64 keys took 16 (12.8M distinct PCs: 128 MiB where it took 512, and as
// much again in the tables it outgrew).
const pcSlots = new Vec();
let pcShift: u32 = 0; // 32 - log2(slots)
let pcCount: usize = 0;

// One past the largest string and stack ID, where the IDs are dense (as the
// runtime writes them), once a generation's tables are complete (indexTables):
// IDs below them are looked up in by-ID arrays, one load, instead of through
// the ID maps. 0: no by-ID arrays.
let stringLimit: u64 = 0;
let stackLimit: u64 = 0;

/** resetTables empties the tables for the next generation. */
export function resetTables(): void {
  stringIds.clear(); strings.reset();
  stackIds.clear(); stacks.reset(); stackFrameIds.reset();
  memory.fill(pcSlots.ptr, 0, pcSlots.len); pcCount = 0; frames.reset();
  stringLimit = 0;
  stackLimit = 0;
}

/** hasString reports whether string `id` is in the table (ID 0 always is). */
@inline export function hasString(id: u64): bool {
  if (stringLimit != 0) return id < stringLimit && load<u32>(stringStoreById.ptr + (<usize>id << 2)) != u32.MAX_VALUE;
  return id == 0 || stringIds.has(id);
}

/** hasStack reports whether stack `id` is in the table (ID 0 always is). */
@inline export function hasStack(id: u64): bool {
  if (stackLimit != 0) return id < stackLimit && load<u32>(stackStoreById.ptr + (<usize>id << 2)) != u32.MAX_VALUE;
  return id == 0 || stackIds.has(id);
}

// denseLimit is one past the largest ID of `entries` (each starting with its
// u64 ID), or 0 where the IDs are too sparse for a by-ID array of four bytes
// an ID to take at most about 32 bytes an entry (as IdMap's dense part).
function denseLimit(entries: Vec, size: usize): u64 {
  const n = entries.len / size;
  let top: u64 = 0;
  for (let e = entries.ptr; e < entries.ptr + entries.len; e += size) top = max(top, load<u64>(e));
  return top >= <u64>n * 8 + 1024 ? 0 : top + 1;
}

/** stringAt returns the address of string `id`'s bytes and leaves its length
 * in stringLen; the string must be present and not ID 0. */
export function stringAt(id: u64): usize {
  const e = strings.ptr + <usize>stringIds.get(id, 0) * STRING_ENTRY;
  stringLen = load<u32>(e, 12);
  return <usize>load<u32>(e, 8);
}
/** stringLen is the length of the string stringAt found. */
export let stringLen: u32 = 0;

// A string as the {Ns} error placeholder reads it: address, then length above.
@inline function span(p: usize, n: usize): u64 { return <u64>p | (<u64>n << 32); }

// The ID and the count (string length, number of frames) of the entry that
// readEntryHead read.
let entryId: u64 = 0;
let entryCount: u64 = 0;

// readEntryHead reads the head of a table entry: its event type, which must be
// `typ` (else error `code`), its ID and its count. Returns 1 or ERROR (held).
function readEntryHead(typ: u32, code: u32, off: u64, gen: u64): i32 {
  const ev = rdByte();
  if (ev != typ) return hold(code, off, gen, ev);
  let err = rdUvarint();
  if (err) return hold(E_TABLE_VARINT, off, gen, err);
  entryId = rdVal;
  err = rdUvarint();
  if (err) return hold(E_TABLE_VARINT, off, gen, err);
  entryCount = rdVal;
  return 1;
}

/** addStrings adds the strings of a strings batch (`len` bytes at `p`, after
 * its Strings byte), as Go's addStrings does. Returns 1 or ERROR (held). */
export function addStrings(p: usize, len: usize, off: u64, gen: u64): i32 {
  rdStart(p + 1, len - 1);
  while (rdLeft() != 0) {
    if (readEntryHead(EvString, E_STRING_EVENT, off, gen) == ERROR) return ERROR;
    const id = entryId, n = entryCount;
    if (n > MAX_STRING_SIZE) return hold(E_STRING_TOO_LARGE, off, gen, n, MAX_STRING_SIZE);
    const have = <u64>rdLeft();
    if (have < n) return hold(E_STRING_SHORT, off, gen, have, n);
    const at = rdPos;
    rdStart(rdPos + <usize>n, rdLeft() - <usize>n);
    if (hasString(id)) {
      let old: u64 = 0;
      if (id != 0) old = span(stringAt(id), stringLen);
      return hold(E_STRING_DUPLICATE, off, gen, id, span(at, <usize>n), old);
    }
    stringIds.set(id, <u32>(strings.len / STRING_ENTRY));
    const e = strings.grow(STRING_ENTRY);
    store<u64>(e, id);
    store<u32>(e, <u32>at, 8);
    store<u32>(e, <u32>n, 12);
  }
  return 1;
}

/** addStacks adds the stacks of a stacks batch, and the frames of PCs not seen
 * yet in this generation (the first frame seen for a PC wins), as Go's
 * addStacks does. Returns 1 or ERROR (held). */
export function addStacks(p: usize, len: usize, off: u64, gen: u64): i32 {
  rdStart(p + 1, len - 1);
  while (rdLeft() != 0) {
    if (readEntryHead(EvStack, E_STACK_EVENT, off, gen) == ERROR) return ERROR;
    const id = entryId, n = entryCount;
    if (n > MAX_FRAMES_PER_STACK) return hold(E_STACK_TOO_LARGE, off, gen, n, MAX_FRAMES_PER_STACK);
    const first = stackFrameIds.len >> 2;
    for (let i: u64 = 0; i < n; i++) {
      if (readFrame(i, id, off, gen) == ERROR) return ERROR;
    }
    if (hasStack(id)) return duplicateStack(id, first, <usize>n, off, gen);
    stackIds.set(id, <u32>(stacks.len / STACK_ENTRY));
    const e = stacks.grow(STACK_ENTRY);
    store<u64>(e, id);
    store<u32>(e, <u32>first, 8);
    store<u32>(e, <u32>n, 12);
  }
  return 1;
}

// duplicateStack holds the error of stack `id` listed again, its `n` frames
// from `first` in stackFrameIds: Go prints both lists of PCs, which are laid
// out here for the message (dupPcs), as u64s.
function duplicateStack(id: u64, first: usize, n: usize, off: u64, gen: u64): i32 {
  let oldFirst: usize = 0, oldN: usize = 0;
  if (id != 0) {
    const e = stacks.ptr + <usize>stackIds.get(id, 0) * STACK_ENTRY;
    oldFirst = <usize>load<u32>(e, 8);
    oldN = <usize>load<u32>(e, 12);
  }
  dupPcs.reset();
  const p = dupPcs.grow((n + oldN) << 3);
  for (let i: usize = 0; i < n; i++) store<u64>(p + (i << 3), framePc(stackFrameIds.get32(first + i)));
  for (let i: usize = 0; i < oldN; i++) store<u64>(p + ((n + i) << 3), framePc(stackFrameIds.get32(oldFirst + i)));
  return hold(E_STACK_DUPLICATE, off, gen, id, span(p, n), id != 0 ? span(p + (n << 3), oldN) : 0);
}
const dupPcs = new Vec();

// readFrame reads frame i of stack `id`: its number joins the stack, and the
// frame joins the PC table unless the PC has one (the first frame seen for a
// PC wins).
function readFrame(i: u64, id: u64, off: u64, gen: u64): i32 {
  const at = rdPos;
  let pc: u64 = 0;
  for (let field: u32 = 0; field < 4; field++) {
    const err = rdUvarint();
    // The four frame fields' errors (PC, funcID, fileID, line) are consecutive codes.
    if (err) return hold(E_FRAME_PC + field, off, gen, i + 1, id, err);
    if (field == 0) pc = rdVal;
  }
  stackFrameIds.push32(frameOf(pc, at));
  return 1;
}

// frameOf returns the frame number of `pc`, the frame at `at` becoming it
// where the PC has none yet.
function frameOf(pc: u64, at: usize): u32 {
  if ((pcCount + 1) * 2 > pcSlots.len >> 2) growPcs();
  const mask = (pcSlots.len >> 2) - 1;
  let i = pcHome(pc);
  while (true) {
    const s = pcSlots.ptr + (i << 2);
    const v = load<u32>(s);
    if (v == 0) {
      const f = <u32>(frames.len >> 2);
      frames.push32(<u32>at);
      store<u32>(s, f + 1);
      pcCount++;
      return f;
    }
    if (framePc(v - 1) == pc) return v - 1;
    i = (i + 1) & mask;
  }
}

// pcHome is the slot where `pc`'s probe starts: the top bits of its
// Fibonacci hash, as many as the table has slots.
@inline function pcHome(pc: u64): usize {
  return <usize>(<u32>((pc * 0x9E3779B97F4A7C15) >> 32) >> pcShift);
}

// growPcs doubles the PC table (at least 1024 slots) and puts every frame
// back by its PC: the frames' PCs are distinct.
function growPcs(): void {
  const cap = max<usize>(1024, (pcSlots.len >> 2) << 1);
  pcSlots.reset();
  const t = pcSlots.grow(cap << 2);
  memory.fill(t, 0, cap << 2);
  pcShift = 32 - <u32>ctz(cap);
  const mask = cap - 1;
  for (let f: u32 = 0; f < <u32>(frames.len >> 2); f++) {
    let i = pcHome(framePc(f));
    while (load<u32>(t + (i << 2)) != 0) i = (i + 1) & mask;
    store<u32>(t + (i << 2), f + 1);
  }
}

// The fields of the frame that readFrameAt read last.
let fPc: u64 = 0, fFunc: u64 = 0, fFile: u64 = 0, fLine: u64 = 0;

// readFrameAt reads frame `f` (a frame number) again, where the input holds
// it, into fPc, fFunc, fFile and fLine. The frame was read whole before.
function readFrameAt(f: u32): void {
  rdStart(<usize>frames.get32(<usize>f), 40);
  rdUvarint(); fPc = rdVal;
  rdUvarint(); fFunc = rdVal;
  rdUvarint(); fFile = rdVal;
  rdUvarint(); fLine = rdVal;
}

// framePc is frame `f`'s PC, read without disturbing the batch being read.
@inline function framePc(f: u32): u64 {
  const p = <usize>frames.get32(<usize>f);
  uvarint(p, p + 10);
  return varValue;
}

/** validateStackStrings checks that every frame of every stack names strings
 * of the table, as Go's validateStackStrings does. Go walks the stacks in ID
 * order (when its table is dense), so the failing stack with the lowest ID is
 * the one reported. Returns 1 or ERROR (held). */
export function validateStackStrings(off: u64, gen: u64): i32 {
  let found = false;
  let bestId: u64 = 0, bestCode: u32 = 0, bestStr: u64 = 0;
  const end = stacks.ptr + stacks.len;
  for (let e = stacks.ptr; e < end; e += STACK_ENTRY) {
    const id = load<u64>(e);
    if (found && id >= bestId) continue;
    const ids = stackFrameIds.ptr + (<usize>load<u32>(e, 8) << 2);
    const n = <usize>load<u32>(e, 12);
    for (let i: usize = 0; i < n; i++) {
      readFrameAt(load<u32>(ids + (i << 2)));
      const fn = fFunc, file = fFile;
      let code: u32 = 0, str: u64 = 0;
      if (!hasString(fn)) { code = E_STACK_FUNC_STRING; str = fn; }
      else if (!hasString(file)) { code = E_STACK_FILE_STRING; str = file; }
      if (code) {
        found = true; bestId = id; bestCode = code; bestStr = str;
        break;
      }
    }
  }
  return found ? hold(bestCode, off, gen, bestStr, bestId) : 1;
}

// ---- The tables blob (assembly/README.md) ----

/** BLOB_HEADER is the size of the blob's header. */
export const BLOB_HEADER: usize = TABLES_SIZE;

/** blob holds the current generation's tables blob. */
export const blob = new Vec();

/** STORE_IDS flags (TABLES_FLAGS) a blob whose events carry store IDs
 * (intern.ts): its own string and stack sections are empty. */
export const STORE_IDS: u32 = <u32>TABLES_STORE_IDS;

/** writeTables starts the blob of a generation whose tables were interned
 * (indexTables): a header with no sections, flagged STORE_IDS, naming the
 * store's epoch, whose other fields (zeroed) the caller fills, and who may
 * append more sections. */
export function writeTables(): void {
  blob.reset();
  const h = blob.grow(BLOB_HEADER);
  memory.fill(h, 0, BLOB_HEADER);
  store<u32>(h, STORE_IDS, TABLES_FLAGS);
  store<u32>(h, epoch(), TABLES_EPOCH);
  for (let off = TABLES_STRINGS_AT; off <= TABLES_BYTES_AT; off += 4) store<u32>(h + off, BLOB_HEADER);
}

// ---- Store IDs (intern.ts) ----

// The store ID of each string and stack entry of the generation, by entry,
// and by ID below stringLimit and stackLimit (see byId).
const stringStore = new Vec();
const stackStore = new Vec();
const stringStoreById = new Vec();
const stackStoreById = new Vec();
// One stack's frames as the store lays them out, while it is interned.
const stackFrames = new Vec();

/** MISSING_ID is what an ID that the generation's tables lack becomes in a
 * record: no store ID is that large. */
export const MISSING_ID: u64 = u64.MAX_VALUE;

/** indexTables gives every string and stack of the complete, checked tables
 * its store ID (a new epoch first, where the store is full), and makes the
 * by-ID arrays where the IDs are dense. */
export function indexTables(): void {
  startEpochIfFull();
  let stringBytes: usize = 0;
  for (let e = strings.ptr; e < strings.ptr + strings.len; e += STRING_ENTRY) stringBytes += <usize>load<u32>(e, 12);
  reserveTables(strings.len / STRING_ENTRY, stringBytes, stacks.len / STACK_ENTRY, stackFrameIds.len >> 2);
  stringStore.reset();
  for (let e = strings.ptr; e < strings.ptr + strings.len; e += STRING_ENTRY) {
    stringStore.push32(internString(<usize>load<u32>(e, 8), <usize>load<u32>(e, 12)));
  }
  stringLimit = denseLimit(strings, STRING_ENTRY);
  byId(stringStoreById, stringLimit, strings, STRING_ENTRY, stringStore);
  stackStore.reset();
  for (let e = stacks.ptr; e < stacks.ptr + stacks.len; e += STACK_ENTRY) {
    const ids = stackFrameIds.ptr + (<usize>load<u32>(e, 8) << 2);
    const n = <usize>load<u32>(e, 12);
    stackFrames.reset();
    const f = stackFrames.grow(n * FRAME);
    for (let i: usize = 0; i < n; i++) {
      readFrameAt(load<u32>(ids + (i << 2)));
      const dst = f + i * FRAME;
      store<u64>(dst, fPc, FRAME_PC);
      store<u64>(dst, storeString(fFunc), FRAME_FUNC);
      store<u64>(dst, storeString(fFile), FRAME_FILE);
      store<u64>(dst, fLine, FRAME_LINE);
    }
    stackStore.push32(internStack(f, n));
  }
  stackLimit = denseLimit(stacks, STACK_ENTRY);
  byId(stackStoreById, stackLimit, stacks, STACK_ENTRY, stackStore);
}

/** storeString is the store ID of string `id` of the generation (0 for ID 0,
 * MISSING_ID where the tables lack it). */
@inline export function storeString(id: u64): u64 {
  if (id < stringLimit) return wide(load<u32>(stringStoreById.ptr + (<usize>id << 2)));
  return stringLimit != 0 ? MISSING_ID : sparseStore(stringIds, stringStore, id);
}

/** storeStack is the store ID of stack `id` of the generation (0 for ID 0,
 * MISSING_ID where the tables lack it). */
@inline export function storeStack(id: u64): u64 {
  if (id < stackLimit) return wide(load<u32>(stackStoreById.ptr + (<usize>id << 2)));
  return stackLimit != 0 ? MISSING_ID : sparseStore(stackIds, stackStore, id);
}

// wide widens a store ID of a by-ID array, where u32.MAX_VALUE stands for
// MISSING_ID (sign extension: store IDs stay far below 2^31).
@inline function wide(v: u32): u64 { return <u64><i64><i32>v; }

// sparseStore is the store ID of `id` where the IDs are too sparse for
// by-ID arrays: through the table's ID map to its entry.
function sparseStore(ids: IdMap, byEntry: Vec, id: u64): u64 {
  if (id == 0) return 0;
  const e = ids.get(id, u32.MAX_VALUE);
  return e == u32.MAX_VALUE ? MISSING_ID : <u64>byEntry.get32(<usize>e);
}

// byId fills `out` with the store ID of every ID below `limit` (u32.MAX_VALUE
// where absent; ID 0 is 0), from the store IDs by entry of `entries` (each
// starting with its u64 ID): where the IDs are dense (limit != 0), hasString,
// hasStack, storeString and storeStack then take one load.
function byId(out: Vec, limit: u64, entries: Vec, size: usize, byEntry: Vec): void {
  out.reset();
  if (limit == 0) return;
  const bytes = <usize>limit << 2;
  const p = out.grow(bytes);
  memory.fill(p, 0xff, bytes);
  store<u32>(p, 0);
  for (let i: usize = 0, e = entries.ptr; e < entries.ptr + entries.len; i++, e += size) {
    store<u32>(p + (<usize>load<u64>(e) << 2), byEntry.get32(i));
  }
}
