// The input stream. TypeScript writes each chunk of the trace where
// inputSpace() says, at the end of the bytes the core keeps (`pending`), and
// calls feedSpace(); or into a fixed window, and calls feed(), which copies it
// there. The core keeps the bytes it has not consumed yet in `pending`.
// Readers look ahead from `pos` without consuming, and consume only once a
// whole unit (an event, a batch) is there, so that any unit may straddle
// chunk boundaries: when a unit is incomplete they answer NEED_INPUT and are
// called again with more bytes, or, once the input is closed, report the
// truncation as Go does.
//
// While a generation is read and ordered, its batches are used where they lie
// in the input rather than copied out: holdInput() keeps every byte fed from
// then on at its address until the next holdInput() or reset. The input is
// then kept in segments: when a chunk does not fit in the current one, the
// unconsumed bytes (an incomplete batch) and the chunk go to a fresh segment
// and the full one is kept aside, untouched, until the generation is done.
// Segments are reused from one generation to the next, so a reading touches
// about its largest generation of input memory, once.

import { Vec, takeBlock, giveBlock, tooLarge } from './mem';

/** The size of the input window TypeScript writes chunks into: small beside
 * a segment, as a chunk that does not fit in a held segment leaves the rest of
 * it unused (a 64 KiB chunk costs one round trip to TypeScript, about a
 * microsecond). */
export const WINDOW_SIZE: u32 = 64 << 10;
const window = heap.alloc(WINDOW_SIZE);

/** MAX_GENERATION is the most bytes of one generation's batches that the
 * core holds (512 MiB): the reading stops with error 7 past it. */
export const MAX_GENERATION: usize = 1 << 29;

/** SEGMENT is the usual size of a block of input: the input buffer starts at
 * this size, and a held generation is kept in blocks of it. */
const SEGMENT: usize = 2 << 20;

/** Bytes received and not yet consumed start at pending.ptr + pos. */
export const pending = new Vec();
/** The read position in `pending`. */
export let pos: usize = 0;
/** The stream offset of pending.ptr (bytes discarded before it). */
export let base: u64 = 0;
/** Whether close() has been called: no more bytes will come. */
export let closed = false;

// Whether the bytes fed are held at their addresses (holdInput), the segments
// set aside while holding (u32 address, u32 size each), and the held bytes in
// them, for the limit on a generation's size.
let holding = false;
const kept = new Vec();
let keptBytes: usize = 0;

/** inputWindow is the address of the window: exported, it never moves. */
export function inputWindow(): usize { return window; }
/** inputWindowSize is the window's size: exported, for TypeScript's chunking. */
export function inputWindowSize(): u32 { return WINDOW_SIZE; }

/** feed takes `n` bytes from the window into the stream: for a host that
 * cannot write where inputSpace() says (a copy more than feedSpace). */
export function feed(n: u32): void {
  const len = <usize>min(n, WINDOW_SIZE);
  memory.copy(roomFor(len, true), window, len);
  pending.len += len;
}

// The room that the last inputSpace() made: its address (the window's where
// roomFor says so: pending's blocks all lie past the window) and size.
let roomAt: usize = 0;
let room: usize = 0;

/** inputSpace makes room for a chunk of up to `n` bytes (at most the window's
 * size) at the end of the pending bytes and returns its address, where
 * TypeScript writes the chunk before it calls feedSpace(): the bytes go
 * straight to where the core keeps them, with no copy from the window. Unless
 * the input is held, consumed bytes are dropped first when they are the
 * larger part, so the pending buffer stays within about twice the largest
 * unit plus one chunk. May grow memory. */
export function inputSpace(n: u32): usize {
  room = <usize>min(n, WINDOW_SIZE);
  roomAt = roomFor(room, false);
  return roomAt;
}

/** feedSpace takes into the stream the first `n` bytes of the room that the
 * last inputSpace() made: no more than that room, and nothing where the
 * pending bytes changed since (another call in between), so that a host's
 * mistake loses input rather than takes bytes never written. */
export function feedSpace(n: u32): void {
  const len = min(<usize>n, room);
  room = 0;
  if (roomAt == window) {
    if (len > 0) feed(<u32>len);
    return;
  }
  if (pending.ptr + pending.len == roomAt && pending.len + len <= pending.cap) pending.len += len;
}

// roomFor makes room for `len` bytes at the end of the pending bytes and
// returns where they go. While a generation is held, a chunk that would take
// it past the size limit is checked against the bytes that actually come, as
// feed() always did: unless `exact` (the chunk's size is known), its room is
// the window, and feedSpace() feeds what came from there. A file's last read
// brings fewer bytes than asked for, or none.
function roomFor(len: usize, exact: bool): usize {
  if (holding) {
    if (pending.len + len > pending.cap) {
      if (!exact && keptBytes + pending.len + len > MAX_GENERATION) return window;
      nextSegment(len);
    }
  } else {
    if (pos >= pending.len - pos) dropConsumed();
    // A first segment of the usual size, rather than growth step by step.
    if (pending.cap < SEGMENT) pending.reserve(SEGMENT - pending.len);
    pending.reserve(len);
  }
  return pending.ptr + pending.len;
}

// nextSegment sets the full segment aside, held, and moves the unconsumed
// bytes to a fresh one with room for `n` more.
function nextSegment(n: usize): void {
  const tail = pending.len - pos;
  keptBytes += pos;
  // A generation past the limit is stopped at the end of the bytes it took.
  const need = keptBytes + tail + n;
  if (need > MAX_GENERATION) tooLarge(need, base + <u64>(pending.len + n), MAX_GENERATION);
  let size = SEGMENT;
  while (size < tail + n) size <<= 1;
  const seg = takeBlock(size);
  memory.copy(seg, pending.ptr + pos, tail);
  if (pending.cap != 0) {
    const k = kept.grow(8);
    store<u32>(k, <u32>pending.ptr);
    store<u32>(k, <u32>pending.cap, 4);
  }
  pending.ptr = seg;
  pending.cap = size;
  pending.len = tail;
  base += <u64>pos;
  pos = 0;
}

/** holdInput drops the consumed bytes and the segments held so far, and holds
 * every byte fed from now on at its address, until the next holdInput() or
 * reset: the generation reader calls it as a generation starts being read,
 * once nothing refers to the previous one's bytes. */
export function holdInput(): void {
  release();
  dropConsumed();
  holding = true;
}

// dropConsumed moves the unconsumed bytes to the front of the buffer.
function dropConsumed(): void {
  if (pos == 0) return;
  pending.discard(pos);
  base += <u64>pos;
  pos = 0;
}

// release hands the segments set aside back for reuse.
function release(): void {
  for (let k = kept.ptr; k < kept.ptr + kept.len; k += 8) {
    giveBlock(<usize>load<u32>(k), <usize>load<u32>(k, 4));
  }
  kept.reset();
  keptBytes = 0;
}

/** close marks the end of the input: an incomplete unit is then an error (or,
 * where Go's reader takes it so, the end). */
export function close(): void { closed = true; }

/** resetInput forgets the stream, for a new trace. */
export function resetInput(): void {
  release();
  holding = false;
  pending.reset();
  room = 0;
  pos = 0;
  base = 0;
  closed = false;
  resetHeader();
}

/** avail is the number of unconsumed bytes. */
@inline export function avail(): usize { return pending.len - pos; }
/** at is the address of the first unconsumed byte. */
@inline export function at(): usize { return pending.ptr + pos; }
/** consume marks `n` bytes read. */
@inline export function consume(n: usize): void { pos += n; }
/** offset is the stream offset of the first unconsumed byte. */
@inline export function offset(): u64 { return base + <u64>pos; }

// ---- Varints, with Go's encoding/binary semantics ----

/** The value of the last varint read by uvarint(). */
export let varValue: u64 = 0;

/** uvarint decodes an unsigned LEB128 varint from [p, end) into varValue and
 * returns its length in bytes. It returns 0 where the bytes end before the
 * varint does, and -(k) where the varint overflows 64 bits at its k-th byte
 * (a tenth byte above 1, or an eleventh byte), as Go's binary.Uvarint does. */
@inline export function uvarint(p: usize, end: usize): i32 {
  let x: u64 = 0;
  let s: u64 = 0;
  for (let i: i32 = 0; i < 10; i++) {
    if (p + <usize>i >= end) return 0;
    const b = <u64>load<u8>(p + <usize>i);
    if (b < 0x80) {
      if (i == 9 && b > 1) return -(i + 1);
      varValue = x | (b << s);
      return i + 1;
    }
    x |= (b & 0x7f) << s;
    s += 7;
  }
  return -11;
}

// ---- The header ----
//
// Go reads the header with fmt.Fscanf("go 1.%d trace\x00\x00\x00"), so it is
// not a fixed string: a space in the format matches a run of one or more
// spaces (any Unicode space but a newline), the number may be preceded by
// spaces and may have leading zeros, and it must fit in 32 bits. The reader
// below walks the same grammar one rune at a time and consumes what it has
// matched, so the header may arrive in pieces of any size.

/** The format version from the header: 22, 23, 25, 26, or 11, 19, 21 for the
 * old formats; 0 until the header has been read. */
export let traceVersion: u32 = 0;

/** version is exported: the format version, 0 until the header is read. */
export function version(): u32 { return traceVersion; }

// The header's grammar as steps: literal bytes, a run of spaces that must not
// be empty (H_SPACES), an optional run of spaces (H_SKIP) and the number.
const H_SPACES: u8 = 1;
const H_SKIP: u8 = 2;
const H_NUMBER: u8 = 3;
const HEADER = memory.data<u8>([
  0x67, 0x6f, H_SPACES, 0x31, 0x2e, H_SKIP, H_NUMBER, H_SPACES,
  0x74, 0x72, 0x61, 0x63, 0x65, 0, 0, 0,
]);
const HEADER_STEPS: u32 = 16;

// Where the header reader stands: its step, how many runes the current run of
// spaces or digits has matched, and the number so far.
let hStep: u32 = 0;
let hRun: u32 = 0;
let hValue: u64 = 0;

/** readHeader reads the header and returns 1 when done, NEED_INPUT when it
 * needs more bytes and the input is open, or ERROR after recording why. */
export function readHeader(): i32 {
  while (traceVersion == 0) {
    if (hStep >= HEADER_STEPS) return headerDone();
    const n = spaceAt();
    if (n == 0) return closed ? badHeader() : 0;
    const step = <u32>load<u8>(HEADER + hStep);
    const b = <u32>load<u8>(at());
    if (step == <u32>H_SPACES || step == <u32>H_SKIP) {
      // A run of spaces ends at the first other rune; a newline is never a space here.
      if (n > 0) { consume(<usize>n); hRun++; continue; }
      if (step == <u32>H_SPACES && hRun == 0) return badHeader();
    } else if (step == <u32>H_NUMBER) {
      if (b >= 0x30 && b <= 0x39) {
        hValue = hValue * 10 + <u64>(b - 0x30);
        if (hValue > 0xffffffff) return badHeader();
        consume(1); hRun++; continue;
      }
      if (hRun == 0) return badHeader();
    } else {
      if (b != step) return badHeader();
      consume(1);
    }
    hStep++;
    hRun = 0;
  }
  return 1;
}

/** spaceAt classifies the rune at the read position: the byte length of a
 * space (other than a newline), -1 for any other rune, or 0 when the bytes end
 * before that can be told. Runes are decoded as Go's bufio.Reader.ReadRune does:
 * a byte that starts no valid UTF-8 sequence is a rune of its own. */
function spaceAt(): i32 {
  const n = avail();
  if (n == 0) return 0;
  const p = at();
  const b = <u32>load<u8>(p);
  if (b < 0x80) return b == 0x20 || (b >= 0x09 && b <= 0x0d && b != 0x0a) ? 1 : -1;
  // The multi-byte spaces: U+0085, U+00A0 (C2 xx), U+1680 (E1 9A 80),
  // U+2000..U+200A, U+2028, U+2029, U+202F, U+205F (E2 8x xx), U+3000 (E3 80 80).
  const len: usize = b == 0xc2 ? 2 : b >= 0xe1 && b <= 0xe3 ? 3 : 0;
  if (len == 0) return -1;
  // Judge on the bytes there are once no more can come: a cut rune is no space.
  if (n < len && !closed) {
    // A prefix that already rules out every space needs no more bytes.
    return isSpacePrefix(p, n) ? 0 : -1;
  }
  if (n < len) return -1;
  return isSpacePrefix(p, len) && isSpaceRune(p, len) ? <i32>len : -1;
}

/** isSpacePrefix reports whether the `n` bytes at `p` could begin a multi-byte space. */
function isSpacePrefix(p: usize, n: usize): bool {
  const b0 = <u32>load<u8>(p);
  if (n < 2) return true;
  const b1 = <u32>load<u8>(p + 1);
  if (b0 == 0xc2) return b1 == 0x85 || b1 == 0xa0;
  if (b0 == 0xe1) return b1 == 0x9a;
  if (b0 == 0xe2) return b1 == 0x80 || b1 == 0x81;
  return b1 == 0x80; // 0xe3
}

/** isSpaceRune reports whether the whole `len`-byte sequence at `p` is a space. */
function isSpaceRune(p: usize, len: usize): bool {
  if (len == 2) return true;
  const b0 = <u32>load<u8>(p), b1 = <u32>load<u8>(p + 1), b2 = <u32>load<u8>(p + 2);
  if (b0 == 0xe1) return b2 == 0x80;
  if (b0 == 0xe3) return b2 == 0x80;
  if (b1 == 0x81) return b2 == 0x9f;
  return (b2 >= 0x80 && b2 <= 0x8a) || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf;
}

/** headerDone checks the version once the whole header has matched. */
function headerDone(): i32 {
  const ver = <u32>hValue;
  if (ver != 11 && ver != 19 && ver != 21 && ver != 22 && ver != 23 && ver != 25 && ver != 26) {
    return fail(E_BAD_VERSION, offset(), 0, <u64>ver);
  }
  traceVersion = ver;
  return 1;
}

function badHeader(): i32 { return fail(E_BAD_HEADER, offset(), 0); }

/** resetHeader forgets the header, for a new trace. */
function resetHeader(): void {
  traceVersion = 0;
  hStep = 0;
  hRun = 0;
  hValue = 0;
}

import { fail } from './errors';
import { E_BAD_HEADER, E_BAD_VERSION } from './error-codes';
