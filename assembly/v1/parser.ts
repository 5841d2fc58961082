// The old (Go 1.11-1.21) wire format: raw events, batches, and the parsing of
// a batch into events, as Go's tracev1 parser reads them.
//
// Reading takes two passes, as Go's does. The first (collectBatches) walks
// the whole trace once, skipping arguments where it can: it finds each
// batch's offset and its P, and parses the CPU samples. The second parses one
// batch at a time (loadBatch), when the ordering asks for the next events of
// that batch's P; strings, stacks and the frequency are parsed there, in
// whatever batch they lie. Errors are found in that order too, so that a
// damaged trace fails with the error Go reports.

import { Vec, U64Map } from '../mem';
import { uvarint, varValue } from '../input';
import { fail, ERROR } from '../errors';
import { V1Batch, V1String, V1CPUSample, V1UserLog, V1_EVENT_COUNT, v1ArgNum, v1Known } from './format';
import { hasString, addString } from './tables';
import { EV_SIZE, EV_ARGS, EV_P, EV_BOFF, setOldEvent, growEvent } from './event';
import {
  E_OLD_ARG_TOO_BIG, E_OLD_ARG_VARINT, E_OLD_BATCH_ARGS, E_OLD_EOF, E_OLD_NO_BATCH, E_OLD_PROCESSOR_ID,
  E_OLD_SAMPLE_ARGS, E_OLD_STRING_DUPLICATE, E_OLD_STRING_ID0, E_OLD_STRING_LENGTH0, E_OLD_STRING_TOO_LONG,
  E_OLD_UNEXPECTED_EOF, E_OLD_UNKNOWN_TYPE, E_OLD_VALUE_TOO_LONG, E_OLD_VARINT,
} from '../error-codes';

// readRaw's results besides ERROR.
export const RAW_EOF: i32 = 0;
export const RAW_OK: i32 = 1;

// The input: the whole old trace after its header, at [data, end).
export let data: usize = 0;
let end: usize = 0;
export let off: usize = 0;
// The stream offset of `data`.
export let dataOffset: u64 = 0;

/** The header version (11, 19 or 21). */
export let traceVer: u32 = 0;

// The last raw event: its type, its arguments, where it started, its string.
/** The last raw event's type (0 for a string-table entry). */
export let rawType: u32 = 0;
const MAX_ARGS: usize = 2048 + 4; // a length-prefixed event has at most 2048 bytes
const rawArgs = heap.alloc(MAX_ARGS << 3);
/** The number of arguments of the last raw event. */
export let rawArgc: u32 = 0;
/** Where the last raw event started. */
export let rawStart: usize = 0;
/** The P of the last batch header. */
export let rawPid: i32 = 0;
/** The message of the last UserLog. */
export let sargPtr: usize = 0;
export let sargLen: u32 = 0;

/** streamOffset is the stream offset of address `p` in the input. */
@inline export function streamOffset(p: usize): u64 { return dataOffset + <u64>(p - data); }

// failAt records error `code` for the raw event that starts at rawStart.
export function failAt(code: u32, a0: u64 = 0, a1: u64 = 0, a2: u64 = 0): i32 {
  return fail(code, streamOffset(rawStart), 0, a0, a1, a2);
}

// readVal reads one varint at `off` into varValue; false where it is cut
// short or overflows, which Go reports alike.
@inline function readVal(): bool {
  const n = uvarint(off, end);
  if (n <= 0) return false;
  off += <usize>n;
  return true;
}

// pushArg appends a decoded argument.
@inline function pushArg(v: u64): void { store<u64>(rawArgs + (<usize>rawArgc << 3), v); rawArgc++; }

/** argAddr returns the address of argument `i` of the last raw event. */
@inline export function argAddr(i: u32): usize { return rawArgs + (<usize>i << 3); }

/** arg returns argument `i` of the last raw event. */
@inline export function arg(i: u32): u64 { return load<u64>(rawArgs + (<usize>i << 3)); }

// readRaw reads one raw event at `off`: RAW_OK, RAW_EOF at the end of the
// input, or ERROR. With `skip`, inline arguments and strings are stepped over
// as Go's first pass does (a CPU sample's arguments are always read).
export function readRaw(skip: bool): i32 {
  if (off >= end) return RAW_EOF;
  rawStart = off;
  const b = <u32>load<u8>(off++);
  const typ = b & 0x3f;
  const narg = (b >> 6) + 1;
  rawType = typ;
  rawArgc = 0;
  if (typ == 0 || typ >= V1_EVENT_COUNT || !v1Known(typ, traceVer)) return failAt(E_OLD_UNKNOWN_TYPE, <u64>typ);
  if (typ == V1String) return readString(skip);
  if (typ == V1Batch) return readBatch(narg);
  if (narg <= 3) {
    for (let i: u32 = 0; i < narg; i++) {
      if (!readVal()) return failAt(E_OLD_ARG_VARINT, <u64>typ);
      if (!skip) pushArg(varValue);
    }
    return RAW_OK;
  }
  if (!readVal()) return failAt(E_OLD_ARG_VARINT, <u64>typ);
  const v = varValue;
  if (v > 2048) return failAt(E_OLD_ARG_TOO_BIG, <u64>typ, v, 2048);
  if (!skip || typ == V1CPUSample) {
    if (off >= end || v > <u64>(end - off)) return failAt(E_OLD_UNEXPECTED_EOF);
    const stop = off + <usize>v;
    while (off < stop) {
      const n = uvarint(off, stop);
      if (n <= 0) return failAt(E_OLD_VARINT);
      off += <usize>n;
      pushArg(varValue);
    }
  } else if (v > <u64>(end - off)) {
    return failAt(E_OLD_EOF);
  } else {
    off += <usize>v;
  }
  if (typ == V1UserLog) return readValueString(skip);
  return RAW_OK;
}

// readString reads a string-table entry (id, length, bytes) and, unless
// skipping, adds it to the table with Go's checks.
function readString(skip: bool): i32 {
  if (skip) {
    if (!readVal()) return failAt(E_OLD_VARINT);
    if (!readVal()) return failAt(E_OLD_VARINT);
    if (varValue > <u64>(end - off)) return failAt(E_OLD_EOF);
    off += <usize>varValue;
    rawType = 0;
    return RAW_OK;
  }
  if (!readVal()) return failAt(E_OLD_VARINT);
  const id = varValue;
  if (id == 0) return failAt(E_OLD_STRING_ID0);
  if (hasString(id)) return failAt(E_OLD_STRING_DUPLICATE, id);
  if (!readVal()) return failAt(E_OLD_VARINT);
  const ln = varValue;
  if (ln == 0) return failAt(E_OLD_STRING_LENGTH0);
  if (ln > 1000000) return failAt(E_OLD_STRING_TOO_LONG, ln);
  if (off >= end || ln > <u64>(end - off)) return failAt(E_OLD_UNEXPECTED_EOF);
  addString(id, off, <u32>ln);
  off += <usize>ln;
  rawType = 0;
  return RAW_OK;
}

// readBatch reads a batch header: its P (-1 for 2^64-1) and its base time.
function readBatch(narg: u32): i32 {
  if (narg != 2) return failAt(E_OLD_BATCH_ARGS, <u64>narg, 2);
  if (!readVal()) return failAt(E_OLD_VARINT);
  const pid = varValue;
  if (pid != U64.MAX_VALUE && pid > <u64>I32.MAX_VALUE) return failAt(E_OLD_PROCESSOR_ID, pid, U64.MAX_VALUE);
  rawPid = pid == U64.MAX_VALUE ? -1 : <i32>pid;
  if (!readVal()) return failAt(E_OLD_VARINT);
  pushArg(pid);
  pushArg(varValue);
  return RAW_OK;
}

// readValueString reads the message that follows a UserLog's arguments.
// Skipping, a message cut short ends the trace (Go's first pass takes its
// io.EOF for the end of the input); the second pass then fails on it.
function readValueString(skip: bool): i32 {
  if (!readVal()) return failAt(E_OLD_VARINT);
  const sz = varValue;
  if (skip) {
    if (sz > <u64>(end - off)) { off = end; return RAW_EOF; }
    off += <usize>sz;
    return RAW_OK;
  }
  sargPtr = off;
  sargLen = 0;
  if (sz == 0) return RAW_OK;
  if (sz > 1000000) return failAt(E_OLD_VALUE_TOO_LONG, sz);
  if (off >= end || sz > <u64>(end - off)) return failAt(E_OLD_UNEXPECTED_EOF);
  sargLen = <u32>sz;
  off += <usize>sz;
  return RAW_OK;
}

// ---- Pass 1: batches and CPU samples ----

// A batch: u32 offset of its header from `data`, u32 index of the next batch
// of the same P (U32.MAX_VALUE = none).
export const batches = new Vec();
/** Ps in order of first appearance, by pid: index into the per-P lists. */
export const pidIndex = new U64Map();
/** For each P (by index): its pid, the head of its batch list, the tail, its last G. */
export const pidInfo = new Vec();
const PID: usize = 24;
/** The CPU samples, as events (EV_SIZE bytes each), in file order. */
export const cpuSamples = new Vec();

/** pidCount is the number of distinct Ps that have batches. */
export function pidCount(): u32 { return <u32>(pidInfo.len / PID); }
/** pidOf returns the pid of P index `i`. */
export function pidOf(i: u32): i32 { return load<i32>(pidInfo.ptr + <usize>i * PID); }

/** setOff moves the read position to `p`. */
export function setOff(p: usize): void { off = p; }

/** pidSlot returns the index of `pid`, adding an empty batch list for it. */
export function pidSlot(pid: i32): u32 {
  const key = <u64><i64>pid;
  let i = pidIndex.get(key, U32.MAX_VALUE);
  if (i != U32.MAX_VALUE) return i;
  i = pidCount();
  pidIndex.set(key, i);
  const e = pidInfo.grow(PID);
  store<i32>(e, pid);
  store<u32>(e, U32.MAX_VALUE, 4); // head
  store<u32>(e, U32.MAX_VALUE, 8); // tail
  store<u64>(e, 0, 16); // last G
  return i;
}

/** collectBatches is Go's first pass. It returns 1, or ERROR. */
export function collectBatches(p: usize, n: usize, streamOff: u64, ver: u32): i32 {
  data = p; end = p + n; off = p; dataOffset = streamOff; traceVer = ver;
  let curP: i32 = 0;
  let curBatch: u32 = U32.MAX_VALUE;
  while (true) {
    const r = readRaw(true);
    if (r == RAW_EOF) break;
    if (r < 0) return ERROR;
    if (rawType == 0) continue;
    if (rawType == V1Batch) {
      curP = rawPid;
      curBatch = addBatch(pidSlot(rawPid), <u32>(rawStart - data));
    } else if (curBatch == U32.MAX_VALUE) {
      return failAt(E_OLD_NO_BATCH, <u64>rawType, <u64><i64>curP);
    }
    if (rawType == V1CPUSample && readSample(curBatch) < 0) return ERROR;
  }
  return 1;
}

// addBatch appends a batch at `at` to P index `pi`'s list and returns its index.
function addBatch(pi: u32, at: u32): u32 {
  const idx = <u32>(batches.len >> 3);
  const e = batches.grow(8);
  store<u32>(e, at);
  store<u32>(e, U32.MAX_VALUE, 4);
  const info = pidInfo.ptr + <usize>pi * PID;
  const tail = load<u32>(info, 8);
  if (tail == U32.MAX_VALUE) store<u32>(info, idx, 4);
  else store<u32>(batches.ptr + (<usize>tail << 3), idx, 4);
  store<u32>(info, idx, 8);
  return idx;
}

// readSample turns the raw CPU sample just read into an event.
function readSample(batch: u32): i32 {
  const want = v1ArgNum(V1CPUSample);
  if (rawArgc != want) return failAt(E_OLD_SAMPLE_ARGS, <u64>want, <u64>rawArgc);
  const e = growEvent(cpuSamples, streamOffset(rawStart));
  if (e == 0) return ERROR;
  setOldEvent(e, V1CPUSample, <i64>arg(1), -1, arg(3), <u32>arg(4));
  store<u64>(e, 0, EV_ARGS);
  store<u64>(e, arg(2), EV_ARGS + 8);
  store<u64>(e, arg(3), EV_ARGS + 16);
  store<i32>(e, <i32>arg(2), EV_P);
  store<u32>(e, load<u32>(batches.ptr + (<usize>batch << 3)) + <u32>dataOffset, EV_BOFF);
  return 1;
}

/** resetParser forgets the batches and samples, for a new trace. */
export function resetParser(): void {
  data = 0; end = 0; off = 0; dataOffset = 0; traceVer = 0;
  batches.reset(); pidIndex.clear(); pidInfo.reset(); cpuSamples.reset();
}
