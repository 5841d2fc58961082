// The queue of ordered events (Go's queue[Event] in order.go). The ordering
// may accept one wire event and emit up to three events for it (a GoSwitch is
// a switch, a block and a start), so it pushes records here and the reader
// pops them one by one before it asks the ordering for more. Records have the
// layout of format/abi.mjs (RECORD_SIZE bytes); the queue is a ring buffer that only grows, so
// pushing and popping never allocate once it has reached its working size.
//
// Most events stand for one record, and the reader wants it in its output at
// once: so the reader may offer its output slot before it asks the ordering,
// and the first record pushed into the empty queue goes straight there instead
// of through the ring (an 80-byte copy per event saved).

import { alloc } from './mem';
import {
  RECORD_SIZE, RECORD_FLAGS, RECORD_SERIAL, RECORD_TIME, RECORD_G, RECORD_P, RECORD_M, RECORD_ARGS, RECORD_BATCH_OFFSET,
} from './abi';

export { RECORD_SIZE };

/** writeRecord writes a whole record at `r`, every byte of it: the one place
 * that knows the layout (README.md), for every writer but the ordering's
 * per-event copy (order-state.ts pushEventHere), which moves the arguments
 * from the event as they lie. The first word holds the type, the flags, the
 * reserved zero bytes and the generation serial. */
@inline export function writeRecord(
  r: usize, typ: u32, flags: u32, serial: u32, time: i64, g: i64, p: i64, m: i64,
  a0: u64, a1: u64, a2: u64, a3: u64, batchOffset: u64,
): void {
  store<u64>(r, <u64>typ | <u64>flags << (RECORD_FLAGS << 3) | <u64>serial << (RECORD_SERIAL << 3));
  store<i64>(r, time, RECORD_TIME);
  store<i64>(r, g, RECORD_G);
  store<i64>(r, p, RECORD_P);
  store<i64>(r, m, RECORD_M);
  store<u64>(r, a0, RECORD_ARGS);
  store<u64>(r, a1, RECORD_ARGS + 8);
  store<u64>(r, a2, RECORD_ARGS + 16);
  store<u64>(r, a3, RECORD_ARGS + 24);
  store<u64>(r, batchOffset, RECORD_BATCH_OFFSET);
}

// The ring: `cap` records (a power of two) from `ring`; the oldest record is
// at index `head`, and `count` records follow it, wrapping around.
let ring: usize = 0;
let cap: u32 = 0;
let head: u32 = 0;
let count: u32 = 0;

// The output slot offered for the next record pushed (0: none; see queueOffer).
let offered: usize = 0;

/** recordSerial is the generation serial that pushed records carry (README.md:
 * the reader's), set by the reader when it installs a generation; the queue is
 * empty then, so no record straddles two serials. */
export let recordSerial: u32 = 0;

/** setRecordSerial sets recordSerial, for the reader. */
export function setRecordSerial(s: u32): void { recordSerial = s; }

/** queueLen returns the number of records waiting to be popped. */
export function queueLen(): u32 { return count; }

/** queuePush appends a record and returns its address, for the ordering to
 * fill in: every byte of it, as the slot holds an old record. The address is
 * good until the next push, which may move the ring. Where the reader offered
 * a slot (queueOffer), the first record goes there and is not in the queue. */
@inline export function queuePush(): usize {
  const o = offered;
  if (o != 0) {
    offered = 0;
    return o;
  }
  if (count == cap) grow();
  const at = ring + <usize>((head + count) & (cap - 1)) * RECORD_SIZE;
  count++;
  return at;
}

/** queueOffer offers the output slot `dst` to the next record pushed, while
 * the queue is empty (the reader asks the ordering only then). */
@inline export function queueOffer(dst: usize): void { offered = dst; }

/** queueTaken withdraws the offer and reports whether a record was written to
 * the offered slot. */
@inline export function queueTaken(): bool {
  const taken = offered == 0;
  offered = 0;
  return taken;
}

/** queuePop copies the oldest record to `dst` and drops it; false when the
 * queue is empty. */
export function queuePop(dst: usize): bool {
  if (count == 0) return false;
  // Five 16-byte moves: a memory.copy this small costs a call out of the module.
  const src = ring + <usize>head * RECORD_SIZE;
  v128.store(dst, v128.load(src));
  v128.store(dst, v128.load(src, 16), 16);
  v128.store(dst, v128.load(src, 32), 32);
  v128.store(dst, v128.load(src, 48), 48);
  v128.store(dst, v128.load(src, 64), 64);
  head = (head + 1) & (cap - 1);
  count--;
  return true;
}

/** resetQueue empties the queue and keeps its memory, for a new trace. */
export function resetQueue(): void {
  head = 0;
  count = 0;
  offered = 0;
}

// grow doubles the ring and lays its records out from index 0 in order. Under
// the stub runtime the old ring is not reclaimed; doubling bounds the waste.
function grow(): void {
  const newCap: u32 = cap == 0 ? 8 : cap << 1;
  const fresh = alloc(<usize>newCap * RECORD_SIZE);
  if (count > 0) {
    const first = min(count, cap - head); // records from head to the end of the ring
    memory.copy(fresh, ring + <usize>head * RECORD_SIZE, <usize>first * RECORD_SIZE);
    memory.copy(fresh + <usize>first * RECORD_SIZE, ring, <usize>(count - first) * RECORD_SIZE);
  }
  ring = fresh;
  cap = newCap;
  head = 0;
}
