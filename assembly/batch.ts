// Batch framing for the ordered reader (Go's batch.go). A batch is a header
// (type byte, an experiment byte for experimental batches, then four varints:
// generation, thread, base timestamp, size) and `size` bytes of events. The
// framer looks at the input without consuming it, so that a batch may straddle
// chunks, and so that the first batch of the next generation can stay in the
// input until that generation is read (Go keeps it aside as its "spill").
//
// Framing errors are held rather than raised: Go reports some of them only
// after it has delivered the events of the generation before them.

import { at, avail, closed, offset, uvarint, varValue } from './input';
import { EvEventBatch, EvExperimentalBatch, EvEndOfGeneration, MAX_BATCH_SIZE } from './format';
import { fail, ERROR, NEED_INPUT, END } from './errors';
import { E_BATCH_GEN, E_BATCH_SHORT, E_BATCH_TOO_LARGE, E_BATCH_TYPE, E_TABLE_VARINT } from './error-codes';

/** IO_EOF, IO_UNEXPECTED_EOF and IO_OVERFLOW name the errors of Go's
 * binary.ReadUvarint, as the `{Nio}` placeholder prints them. */
const IO_EOF: u64 = 1;
const IO_UNEXPECTED_EOF: u64 = 2;
const IO_OVERFLOW: u64 = 3;

// Go's NoThread as the wire writes it.
const NO_THREAD: u64 = <u64>-1;

/** batchGen is the generation of the framed batch (0 for EndOfGeneration). */
export let batchGen: u64 = 0;
/** batchM is the thread of the framed batch. */
export let batchM: u64 = 0;
/** batchTime is the base timestamp of the framed batch. */
export let batchTime: u64 = 0;
/** batchExp is the experiment of the framed batch (0 for ordinary batches). */
export let batchExp: u32 = 0;
/** batchData is the address of the batch's data, in the input: valid until the
 * input is fed, or, while the input is held (input.ts holdInput), until the
 * next generation starts being read. */
export let batchData: usize = 0;
/** batchLen is the length of the batch's data. */
export let batchLen: u32 = 0;
/** batchSize is the length of the whole batch, header included: what to consume. */
export let batchSize: u32 = 0;
/** batchOffset is the stream offset of the batch's first byte. */
export let batchOffset: u64 = 0;

// The held error: code, offset, generation, four numbers.
let heldCode: u32 = 0;
let heldOffset: u64 = 0;
let heldGen: u64 = 0;
let held0: u64 = 0;
let held1: u64 = 0;
let held2: u64 = 0;
let held3: u64 = 0;

/** hold keeps an error to be raised later by raiseHeld (a later hold replaces
 * it) and returns ERROR. */
export function hold(code: u32, off: u64, gen: u64, a0: u64 = 0, a1: u64 = 0, a2: u64 = 0, a3: u64 = 0): i32 {
  heldCode = code; heldOffset = off; heldGen = gen;
  held0 = a0; held1 = a1; held2 = a2; held3 = a3;
  return ERROR;
}

/** heldIsEOF reports whether the held error is a bare io.EOF (E_TABLE_VARINT:
 * an error of binary.ReadUvarint inside a batch's data, which Go returns
 * unwrapped): Go's reader then returns io.EOF itself, which its callers take
 * for the end of the trace. */
export function heldIsEOF(): bool { return heldCode == E_TABLE_VARINT && held0 == IO_EOF; }

/** raiseHeld records the held error as the reader's error and returns ERROR. */
export function raiseHeld(): i32 {
  return fail(heldCode, heldOffset, heldGen, held0, held1, held2, held3);
}

/** isEndOfGeneration reports whether the framed batch ends a generation as Go
 * sees it: an ordinary batch whose data starts with EndOfGeneration (which is
 * what a lone EndOfGeneration byte frames as). */
export function isEndOfGeneration(): bool {
  return batchExp == 0 && batchLen > 0 && load<u8>(batchData) == EvEndOfGeneration;
}

/** frameBatch frames the next batch of the input without consuming it. It
 * returns 1 when a whole batch is there (the batch* variables describe it),
 * NEED_INPUT when more bytes are needed, END at a clean end of the input (no
 * byte left, or none after an experimental batch's type byte, as Go sees it),
 * or ERROR after holding the error Go's readBatch reports. `gen` is the
 * generation being read, for the error's context. */
export function frameBatch(gen: u64): i32 {
  const p = at();
  const end = p + avail();
  batchOffset = offset();
  if (p >= end) return closed ? END : NEED_INPUT;
  const typ = load<u8>(p);
  if (typ == EvEndOfGeneration) {
    batchGen = 0; batchM = NO_THREAD; batchTime = 0; batchExp = 0;
    batchData = p; batchLen = 1; batchSize = 1;
    return 1;
  }
  if (typ != EvEventBatch && typ != EvExperimentalBatch) {
    return hold(E_BATCH_TYPE, batchOffset, gen, <u64>typ);
  }
  let q = p + 1;
  let exp: u32 = 0;
  if (typ == EvExperimentalBatch) {
    if (q >= end) return closed ? END : NEED_INPUT;
    exp = load<u8>(q);
    q++;
  }
  let g: u64 = 0, m: u64 = 0, ts: u64 = 0, size: u64 = 0;
  for (let field: u32 = 0; field < 4; field++) {
    const k = uvarint(q, end);
    // The four header fields' errors (gen, M ID, timestamp, size) are consecutive codes.
    if (k == 0) {
      if (!closed) return NEED_INPUT;
      const kind = q == end ? IO_EOF : IO_UNEXPECTED_EOF;
      return hold(E_BATCH_GEN + field, batchOffset + <u64>(end - p), gen, kind);
    }
    if (k < 0) return hold(E_BATCH_GEN + field, batchOffset + <u64>(q - p), gen, IO_OVERFLOW);
    q += <usize>k;
    if (field == 0) g = varValue;
    else if (field == 1) m = varValue;
    else if (field == 2) ts = varValue;
    else size = varValue;
  }
  if (size > MAX_BATCH_SIZE) return hold(E_BATCH_TOO_LARGE, batchOffset, gen, size, MAX_BATCH_SIZE);
  const have = <u64>(end - q);
  if (have < size) {
    if (!closed) return NEED_INPUT;
    return hold(E_BATCH_SHORT, batchOffset + <u64>(end - p), gen, have, size);
  }
  batchGen = g; batchM = m; batchTime = ts; batchExp = exp;
  batchData = q;
  batchLen = <u32>size;
  batchSize = <u32>(q - p) + <u32>size;
  return 1;
}

// ---- Reading inside a batch's data, as Go's bytes.Reader with binary.ReadUvarint ----

/** rdPos is the read position inside the data being read. */
export let rdPos: usize = 0;
/** rdEnd is the end of the data being read. */
export let rdEnd: usize = 0;
/** rdVal is the value of the last varint rdUvarint read. */
export let rdVal: u64 = 0;

/** rdStart starts reading `len` bytes at `p`. */
export function rdStart(p: usize, len: usize): void { rdPos = p; rdEnd = p + len; }

/** rdLeft is the number of bytes left to read. */
@inline export function rdLeft(): usize { return rdEnd - rdPos; }

/** rdByte reads one byte; the caller has checked that one is left. */
@inline export function rdByte(): u32 { return load<u8>(rdPos++); }

/** rdUvarint reads a varint into rdVal and returns 0, or the I/O error Go's
 * binary.ReadUvarint reports for it (IO_EOF when no byte was left). */
export function rdUvarint(): u64 {
  if (rdPos >= rdEnd) return IO_EOF;
  const k = uvarint(rdPos, rdEnd);
  if (k > 0) {
    rdVal = varValue;
    rdPos += <usize>k;
    return 0;
  }
  if (k == 0) {
    rdPos = rdEnd;
    return IO_UNEXPECTED_EOF;
  }
  rdPos += <usize>-k;
  return IO_OVERFLOW;
}
