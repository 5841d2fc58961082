// Raw events, one after another, exactly as Go's internal/trace/raw.Reader
// reads them for `go tool trace -d=wire`: an event type byte, the arguments
// its spec lists as varints, for a stack-table entry `nframes` frames of four
// varints, and for events with a data trailer a varint length and the bytes.
// There is no batch framing at this level: EventBatch's size is an argument
// like any other.
//
// Go's reader has quirks that the listing shows, and this one has them too:
// the input may end at the start of any varint or inside a data trailer, and
// the listing then ends successfully without the cut event (Go's ReadUvarint
// and ReadByte return io.EOF there, and cmd/trace takes io.EOF as the end); it
// fails on an input cut inside a varint ("unexpected EOF"); a frame count or
// data length of 2^63 or more counts as none (Go converts it to a negative
// int); and an empty data trailer prints no data line.
//
// The scan is resumable: an event that straddles chunks is picked up where it
// stopped when more input arrives, one varint at a time, so that the cost stays
// linear whatever the chunk sizes. Nothing is ever allocated by a count the
// input claims: the record grows with the varints actually read, and an event
// that grows past MAX_RAW_EVENT bytes is from then on only skimmed (its bytes
// are dropped as they are checked), so that a claim of 2^40 bytes on a short
// input ends as Go ends, with no memory spent on it.

import { Vec } from './mem';
import { RAW_SIZE, RAW_TYPE, RAW_NARGS, RAW_DATA_LEN, RAW_DATA_PTR, RAW_ARGS } from './abi';
import { fail, failed, clearError, NEED_INPUT, END, ERROR } from './errors';
import { nargs, flags, known, experimentOf, F_STACK, F_DATA, GO126, MAX_EXPERIMENTAL_EVENT } from './format';
import {
  pending, at, avail, consume, offset, closed, uvarint, varValue,
  readHeader, traceVersion, resetInput,
} from './input';
import { resetReader } from './reader';
import {
  E_RAW_BAD_EVENT_TYPE, E_RAW_EVENT_TOO_LARGE, E_RAW_UNEXPECTED_EOF, E_RAW_VARINT_OVERFLOW,
} from './error-codes';

/** The most bytes of input one raw event may take and still be listed. Go's
 * runtime never writes an event over 64 KiB (its batch limit). */
export const MAX_RAW_EVENT: usize = 8 << 20;

// Where the scan of the current event stands.
const S_TYPE: u32 = 0;    // at the event type byte
const S_ARGS: u32 = 1;    // reading the spec's arguments, then the frames
const S_DATA_LEN: u32 = 2; // reading the data trailer's length
const S_DATA: u32 = 3;    // waiting for the data trailer's bytes

/** The records of the events of the last call, one after another: each a
 * RAW header (format/abi.mjs: type, number of arguments, data length, data
 * address), then its arguments as u64. An event still being scanned sits at the end. */
const record = new Vec();
// Where the current event's record starts in `record`.
let evStart: usize = 0;

/** One call lists at most this many events, or stops once their records
 * take this many bytes, so that the caller's work per call stays bounded. */
const MAX_CALL_EVENTS: i32 = 4096;
const MAX_CALL_BYTES: usize = 256 << 10;

let stage: u32 = S_TYPE;
let ended = false;
// The number of event types the trace's version knows (Go's len(specs)).
let specCount: u32 = 0;
let evType: u32 = 0;
// Bytes of the current event scanned so far, from the read position.
let scan: usize = 0;
// Varints still to read: the spec's arguments, then the frames' (4 a frame).
let argsLeft: u32 = 0;
let framesLeft: u64 = 0;
let frameField: u32 = 0;
let dataLen: u64 = 0;
let dataLeft: u64 = 0;
// Whether the event outgrew MAX_RAW_EVENT and is only being checked, and
// where it began, for the error that ends it if it does end.
let skimming = false;
let evOffset: u64 = 0;

/** rawNext reads the next raw events. It returns how many rawRecord() holds
 * (at least 1), or NEED_INPUT, END or ERROR (see README.md); the events read
 * before an end or a failure come first, in a call of their own. The records
 * and the data they point to stay valid until the next call of rawNext() or
 * feed(). */
export function rawNext(): i32 {
  if (failed) return ERROR;
  if (ended) return END;
  if (traceVersion == 0) {
    const h = readHeader();
    if (h <= 0) return h;
    specCount = tableSize(traceVersion);
  }
  keepCurrent();
  let count: i32 = 0;
  while (true) {
    let s: i32;
    if (stage == S_TYPE) s = startEvent();
    else if (stage == S_ARGS) s = readArgs();
    else if (stage == S_DATA_LEN) s = readDataLen();
    else s = readData();
    if (s != 1) return count > 0 ? count : s;
    if (stage != S_TYPE) continue;
    if (skimming) return count > 0 ? (tooLarge(), count) : tooLarge();
    deliver();
    if (++count >= MAX_CALL_EVENTS || record.len >= MAX_CALL_BYTES) return count;
  }
}

/** rawRecord is the address of the first record of the last call. */
export function rawRecord(): usize { return record.ptr; }

/** keepCurrent drops the records of the last call, keeping the event still
 * being scanned, if any, at the front. */
function keepCurrent(): void {
  if (stage == S_TYPE) {
    record.reset();
  } else if (evStart > 0) {
    record.discard(evStart);
  }
  evStart = 0;
}

/** startEvent reads the type byte and sets up the scan of the event's arguments. */
function startEvent(): i32 {
  if (avail() == 0) return atEOF();
  const t = <u32>load<u8>(at());
  if (t == 0 || t >= specCount) return fail(E_RAW_BAD_EVENT_TYPE, offset(), 0, <u64>t);
  evType = t;
  evOffset = offset();
  evStart = record.len;
  dataLen = 0;
  const n = nargs(t);
  // The common case: an event with no frames and no data whose bytes are all
  // here (a varint takes at most 10) is read in one go.
  if ((flags(t) & (F_STACK | F_DATA)) == 0 && avail() > <usize>n * 10) return readWhole(n);
  record.grow(RAW_SIZE);
  scan = 1;
  argsLeft = n;
  framesLeft = 0;
  frameField = 0;
  stage = S_ARGS;
  return 1;
}

/** readWhole reads the `n` arguments of an event that is all in the input. */
function readWhole(n: u32): i32 {
  const dst = record.grow(RAW_ARGS + (<usize>n << 3)) + RAW_ARGS;
  const start = at();
  let p = start + 1;
  for (let i: usize = 0; i < <usize>n; i++) {
    let v = <u64>load<u8>(p);
    if (v < 0x80) {
      p++;
    } else {
      const k = uvarint(p, p + 10);
      if (k < 0) return fail(E_RAW_VARINT_OVERFLOW, offset() + <u64>(p - start), 0);
      v = varValue;
      p += <usize>k;
    }
    store<u64>(dst + (i << 3), v);
  }
  scan = p - start;
  return 1;
}

/** readArgs reads the spec's arguments, then, for a stack-table entry, its
 * frames; it returns 1 once they are all there. */
function readArgs(): i32 {
  while (argsLeft > 0 || framesLeft > 0) {
    if (!skimming && scan >= MAX_RAW_EVENT) skim();
    const n = uvarint(at() + scan, pending.ptr + pending.len);
    if (n <= 0) return varintShort(n);
    if (skimming) consume(<usize>n);
    else { scan += <usize>n; record.push64(varValue); }
    if (argsLeft > 0) {
      argsLeft--;
      // The frame count is the stack entry's second argument; Go takes a
      // count of 2^63 or more as negative, and reads no frames then.
      if (argsLeft == 0 && (flags(evType) & F_STACK) != 0) {
        // (An event is skimmed only past MAX_RAW_EVENT bytes, long after
        // its fixed arguments, so the count is in the record.)
        const count = load<u64>(record.ptr + evStart + 24);
        framesLeft = <i64>count > 0 ? count : 0;
      }
    } else if (++frameField == 4) {
      frameField = 0;
      framesLeft--;
    }
  }
  stage = (flags(evType) & F_DATA) != 0 ? S_DATA_LEN : S_TYPE;
  return 1;
}

/** readDataLen reads the length of the data trailer. */
function readDataLen(): i32 {
  const n = uvarint(at() + scan, pending.ptr + pending.len);
  if (n <= 0) return varintShort(n);
  scan += <usize>n;
  // As with frames, a length of 2^63 or more is no data at all.
  dataLen = <i64>varValue > 0 ? varValue : 0;
  dataLeft = dataLen;
  stage = dataLen > 0 ? S_DATA : S_TYPE;
  return 1;
}

/** readData waits for the data trailer's bytes; an input that ends first ends
 * the listing, as Go's byte-by-byte read of it does. */
function readData(): i32 {
  const have = <u64>(avail() - scan);
  // Whether an event is too large depends on its size alone, not on how
  // the input was cut, so that every way of feeding it reads the same.
  if (!skimming && <u64>scan + dataLeft > <u64>MAX_RAW_EVENT) skim();
  if (skimming) {
    const take = min(have, dataLeft);
    consume(<usize>take);
    dataLeft -= take;
    if (dataLeft > 0) return atEOF();
  } else {
    if (have < dataLeft) return atEOF();
    scan += <usize>dataLeft;
  }
  stage = S_TYPE;
  return 1;
}

/** varintShort handles a varint that could not be read: one cut by the end
 * of the input so far (`n` = 0) or one that overflows 64 bits (`n` < 0). */
function varintShort(n: i32): i32 {
  if (n < 0) return fail(E_RAW_VARINT_OVERFLOW, offset() + <u64>scan, 0);
  if (!closed) return NEED_INPUT;
  // At the very start of a varint the end is io.EOF; inside one it is an error.
  if (avail() == scan) return atEOF();
  return fail(E_RAW_UNEXPECTED_EOF, offset() + <u64>avail(), 0);
}

/** atEOF answers for an input that has no more bytes for now: wait for more,
 * or, once it is closed, end the listing (the cut event is dropped). */
function atEOF(): i32 {
  if (!closed) return NEED_INPUT;
  ended = true;
  return END;
}

/** skim drops the bytes of the current event scanned so far and keeps only
 * checking the rest: it has grown too large to be listed. */
function skim(): void {
  skimming = true;
  consume(scan);
  scan = 0;
}

/** deliver completes the record of the event just read and consumes it. */
function deliver(): void {
  const r = record.ptr + evStart;
  store<u32>(r, evType, RAW_TYPE);
  store<u32>(r, <u32>((record.len - evStart - RAW_SIZE) >> 3), RAW_NARGS);
  // The data trailer is the last dataLen bytes scanned; it is left in place.
  store<u32>(r, <u32>dataLen, RAW_DATA_LEN);
  store<u32>(r, dataLen > 0 ? <u32>(at() + scan - <usize>dataLen) : 0, RAW_DATA_PTR);
  consume(scan);
  scan = 0;
}

/** tooLarge ends the listing at an event that was complete but too large to list. */
function tooLarge(): i32 {
  return fail(E_RAW_EVENT_TOO_LARGE, evOffset, 0, <u64>evType, <u64>MAX_RAW_EVENT);
}

/** tableSize is the number of event types Go's raw reader knows in format
 * `version` (its len(specs)): up to the newest event of that version; the
 * experimental ones count only in Go 1.26's format, where the table is the
 * whole list (with the unnamed types between them). Old formats have none. */
function tableSize(version: u32): u32 {
  if (version >= GO126) return <u32>MAX_EXPERIMENTAL_EVENT;
  let n: u32 = 0;
  for (let t: u32 = 1; t < 256; t++) {
    if (known(t, version) && experimentOf(t) == 0) n = t + 1;
  }
  return n;
}

/** resetRaw forgets the raw reader's state, for a new trace. */
export function resetRaw(): void {
  record.reset();
  evStart = 0;
  stage = S_TYPE;
  ended = false;
  specCount = 0;
  scan = 0;
  skimming = false;
}

/** reset forgets everything, ready for a new trace: every stage's state. */
export function reset(): void {
  resetInput();
  clearError();
  resetRaw();
  resetReader();
}
