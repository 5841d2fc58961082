// The scheduler state the ordering keeps between events (Go's ordering struct
// in order.go): goroutines, procs and threads, the event being advanced and
// its scheduling context, and the validation and queueing that every handler
// shares. Everything lives in linear memory: each kind of resource is a table
// of fixed-size records found through a PagedMap, and the variable-length state
// of a record (a goroutine's region stack, in-flight ranges) is a list of
// chunks from one shared pool, so no handler allocates per event.

import { Vec, PagedMap } from './mem';
import { fail, ERROR } from './errors';
import { queuePush, recordSerial, writeRecord } from './queue';
import { RECORD_SERIAL, RECORD_TIME, RECORD_G, RECORD_P, RECORD_M, RECORD_ARGS, RECORD_BATCH_OFFSET } from './abi';
import { E_CTX_NEED_THREAD } from './error-codes';
import { touch } from './wake';

/** NONE is Go's NoGoroutine, NoProc and NoThread: IDs are int64 and -1 is none. */
export const NONE: i64 = -1;

/** GoUndetermined, GoNotExist, ProcUndetermined and ProcNotExist are values of
 * Go's trace.GoState and trace.ProcState, the states the API reports: the
 * ordering smuggles old states into event args as these numbers
 * (README.md). */
export const GoUndetermined: u64 = 0;
export const GoNotExist: u64 = 1;
export const ProcUndetermined: u64 = 0;
export const ProcNotExist: u64 = 1;
/** GO_STATE maps a wire goroutine status to Go's GoState (tracev2GoStatus2GoState). */
export const GO_STATE = memory.data<u8>([0, 2, 3, 5, 4]);
/** PROC_STATE maps a wire proc status to Go's ProcState (tracev2ProcStatus2ProcState). */
export const PROC_STATE = memory.data<u8>([0, 2, 3, 2, 3]);

// ---- The event being advanced and its scheduling context ----

/** ev is the address of the 48-byte base event being advanced (cursor.ts). */
export let ev: usize = 0;
/** evGen and evOffset are its generation and its batch's stream offset. */
export let evGen: u64 = 0;
export let evOffset: u64 = 0;
/** initialGen is the first generation seen (Go's ordering.initialGen). */
export let initialGen: u64 = 0;

/** curG, curP and curM are Go's curCtx: the context the event is queued with.
 * Handlers change them where Go shows an event in another thread's context. */
export let curG: i64 = NONE;
export let curP: i64 = NONE;
export let curM: i64 = NONE;
/** newG and newP are Go's newCtx: what the event's thread holds afterwards. */
export let newG: i64 = NONE;
export let newP: i64 = NONE;

/** evArg returns argument `i` of the event (the time delta excluded). */
@inline export function evArg(i: i32): u64 { return load<u64>(ev + 16 + (<usize>i << 3)); }
/** setEvArg rewrites argument `i`, as Go smuggles values into args. */
@inline export function setEvArg(i: i32, v: u64): void { store<u64>(ev + 16 + (<usize>i << 3), v); }
/** evType returns the event's wire type. */
@inline export function evType(): u32 { return load<u32>(ev); }

/** failEvent records error `code` (format/errors.mjs) at the event's batch. */
export function failEvent(code: u32, a0: u64 = 0, a1: u64 = 0, a2: u64 = 0, a3: u64 = 0): i32 {
  return fail(code, evOffset, evGen, a0, a1, a2, a3);
}

// ---- Records ----

/** Table is a set of fixed-size records keyed by a 64-bit ID: a record is a
 * slot index, stable until removed; its address may move when another record
 * is added, so handlers keep slots, not addresses, across additions. The first
 * 8 bytes of a record hold its ID; removed slots are reused. A record's size
 * is a multiple of 8 bytes. */
export class Table {
  // IDs (goroutines, tasks) come dense and mostly increasing, by the hundred
  // thousand, so the index is a PagedMap: adding or removing one is a store.
  index: PagedMap = new PagedMap();
  recs: Vec = new Vec();
  // recs.ptr, kept here by add (which alone may move it): at() is one load
  // the less, and handlers call it for nearly every event.
  recsAt: usize = 0;
  size: usize;
  free: u32 = 0; // 1 + the first free slot; a free slot holds the next at offset 8
  count: u32 = 0; // slots ever used
  // A direct-mapped cache of lookups, by the low bits of the ID: CACHE_ENTRY
  // bytes each, u64 ID then u32 slot. The IDs that events name (goroutines,
  // procs) are few at a time and mostly sequential, so most lookups are one
  // load and compare instead of a look in the index. An empty entry holds an
  // ID whose low bits are not the entry's (its index with the lowest bit
  // flipped), which no lookup there can match, so a hit needs no other
  // check. An entry is emptied with its record, so it never names a slot
  // that was reused.
  cache: usize = heap.alloc(CACHE_ENTRIES * CACHE_ENTRY);

  constructor(size: usize) {
    this.size = size;
    this.emptyCache();
  }

  // emptyCache empties every entry of the cache.
  private emptyCache(): void {
    for (let j: usize = 0; j < CACHE_ENTRIES; j++) store<u64>(this.cache + j * CACHE_ENTRY, <u64>(j ^ 1));
  }

  // entry returns the cache entry where `id` would be.
  @inline private entry(id: u64): usize {
    return this.cache + (<usize>id & (CACHE_ENTRIES - 1)) * CACHE_ENTRY;
  }

  /** find returns the slot of `id`, or -1. */
  @inline find(id: u64): i32 {
    const e = this.entry(id);
    if (load<u64>(e) == id) return <i32>load<u32>(e, 8);
    const slot = <i32>this.index.get(id, <u32>-1);
    if (slot >= 0) {
      store<u64>(e, id);
      store<u32>(e, <u32>slot, 8);
    }
    return slot;
  }

  /** live reports whether `slot` (below count) holds a record rather than
   * being free. */
  live(slot: i32): bool {
    return <i32>this.index.get(load<u64>(this.at(slot)), <u32>-1) == slot;
  }

  /** at returns the address of `slot`. */
  @inline at(slot: i32): usize { return this.recsAt + <usize>slot * this.size; }

  /** add makes a zeroed record for `id` (which must be absent) and returns its slot. */
  add(id: u64): i32 {
    let slot: i32;
    if (this.free != 0) {
      slot = <i32>this.free - 1;
      this.free = load<u32>(this.at(slot), 8);
    } else {
      this.recs.grow(this.size);
      this.recsAt = this.recs.ptr;
      slot = <i32>this.count;
      this.count++;
    }
    const r = this.at(slot);
    // Zeroed word by word (record sizes are multiples of 8): a memory.fill
    // this small costs a call out of the module, and goroutines come and go
    // by the hundred thousand.
    for (let o: usize = 8; o < this.size; o += 8) store<u64>(r + o, 0);
    store<u64>(r, id);
    touch(id);
    this.index.set(id, <u32>slot);
    const e = this.entry(id);
    store<u64>(e, id);
    store<u32>(e, <u32>slot, 8);
    return slot;
  }

  /** remove deletes the record in `slot`. */
  remove(slot: i32): void {
    const r = this.at(slot);
    const id = load<u64>(r);
    touch(id);
    this.index.delete(id);
    const e = this.entry(id);
    if (load<u64>(e) == id) store<u64>(e, id ^ 1);
    store<u32>(r, this.free, 8);
    this.free = <u32>slot + 1;
  }

  /** reset forgets every record and keeps the memory. */
  reset(): void {
    this.index.clear();
    this.recs.reset();
    this.free = 0;
    this.count = 0;
    this.emptyCache();
  }
}

// The size of a Table's lookup cache: entries, and bytes per entry.
const CACHE_ENTRIES: usize = 256;
const CACHE_ENTRY: usize = 16;

// Goroutines and procs share one record layout (Go's gState and pState):
/** R_STATUS: u32 wire status (tracev2.GoStatus or tracev2.ProcStatus). */
export const R_STATUS: usize = 8;
/** R_SEQ_GEN and R_SEQ: the sequence counter (Go's seqCounter). */
export const R_SEQ_GEN: usize = 16;
export const R_SEQ: usize = 24;
/** R_RANGES: the list of in-flight ranges (Go's rangeState.inFlight). */
export const R_RANGES: usize = 32;
/** R_REGIONS: the goroutine's stack of active user regions. */
export const R_REGIONS: usize = 40;
const RESOURCE_SIZE: usize = 48;

/** goroutines are Go's gStates; procs its pStates. */
export const goroutines = new Table(RESOURCE_SIZE);
export const procs = new Table(RESOURCE_SIZE);

/** goAt and procAt are goroutines.at and procs.at with the record size
 * known, not loaded: the handlers read a goroutine's or proc's record for
 * nearly every event. */
@inline export function goAt(slot: i32): usize { return goroutines.recsAt + <usize>slot * RESOURCE_SIZE; }
@inline export function procAt(slot: i32): usize { return procs.recsAt + <usize>slot * RESOURCE_SIZE; }

/** threads are Go's mStates, never removed: ID, then the goroutine (T_G) and
 * proc (T_P) bound to the thread. */
const THREAD_SIZE: usize = 24;
export const threads = new Table(THREAD_SIZE);
export const T_G: usize = 8;
export const T_P: usize = 16;

// threadRecs is threads.recs.ptr, kept by threadSlot, which alone adds
// threads (and so may move their records): one load instead of three.
let threadRecs: usize = 0;

/** threadAt is threads.at with the record size and address known: the
 * ordering reads a thread's record twice for every event. */
@inline export function threadAt(slot: i32): usize { return threadRecs + <usize>slot * THREAD_SIZE; }

/** threadSlot returns the slot of thread `m`, adding it with nothing bound. */
export function threadSlot(m: i64): i32 {
  let slot = threads.find(m);
  if (slot < 0) {
    slot = threads.add(m);
    threadRecs = threads.recs.ptr;
    store<i64>(threadAt(slot), NONE, T_G);
    store<i64>(threadAt(slot), NONE, T_P);
  }
  return slot;
}

/** setSeq sets the record's sequence counter to (gen, seq). */
@inline export function setSeq(r: usize, gen: u64, seq: u64): void {
  touch(load<u64>(r));
  store<u64>(r, gen, R_SEQ_GEN);
  store<u64>(r, seq, R_SEQ);
}

/** succeeds reports whether (gen, seq) immediately follows the record's
 * sequence counter (Go's seqCounter.succeeds). */
@inline export function succeeds(r: usize, gen: u64, seq: u64): bool {
  return gen == load<u64>(r, R_SEQ_GEN) && seq == load<u64>(r, R_SEQ) + 1;
}

/** status and setStatus read and write the record's wire status. */
@inline export function status(r: usize): u32 { return load<u32>(r, R_STATUS); }
@inline export function setStatus(r: usize, s: u32): void {
  touch(load<u64>(r));
  store<u32>(r, s, R_STATUS);
}

/** ready returns the slot of resource `id` in `t` (goroutines or procs, whose
 * records are RESOURCE_SIZE bytes) where it has status `want` and `seq` is the
 * next of its sequence numbers in this generation; else -1: the event that
 * names it must wait. */
export function ready(t: Table, id: i64, want: u32, seq: u64): i32 {
  const slot = t.find(id);
  if (slot < 0) return -1;
  const r = t.recsAt + <usize>slot * RESOURCE_SIZE;
  return status(r) == want && succeeds(r, evGen, seq) ? slot : -1;
}

/** transition moves the record to status `s` at sequence number `seq`. */
@inline export function transition(r: usize, s: u32, seq: u64): void {
  touch(load<u64>(r)); // once, for both writes
  store<u32>(r, s, R_STATUS);
  store<u64>(r, evGen, R_SEQ_GEN);
  store<u64>(r, seq, R_SEQ);
}

// ---- Scheduling context requirements (Go's validateCtx) ----

/** Constraints on a resource of the context (Go's constraint). */
export const MUST_NOT: u32 = 0;
export const MAY: u32 = 1;
export const MUST: u32 = 2;

/** validateCtx checks the current context against the requirements on its
 * thread, proc and goroutine, and returns ERROR (after failing with Go's
 * message) or 0. Inlined: the requirements are constants at every call, so
 * the check folds to a comparison or two per event. */
@inline export function validateCtx(m: u32, p: u32, g: u32): i32 {
  if (
    (m == MUST && curM == NONE) || (m == MUST_NOT && curM != NONE) ||
    (p == MUST && curP == NONE) || (p == MUST_NOT && curP != NONE) ||
    (g == MUST && curG == NONE) || (g == MUST_NOT && curG != NONE)
  ) return ctxError(m, p, g);
  return 0;
}

// ctxError fails with Go's message for the first requirement of validateCtx
// that the context breaks.
function ctxError(m: u32, p: u32, g: u32): i32 {
  const c = E_CTX_NEED_THREAD;
  if (m == MUST && curM == NONE) return failEvent(c);
  if (m == MUST_NOT && curM != NONE) return failEvent(c + 1);
  if (p == MUST && curP == NONE) return failEvent(c + 2);
  if (p == MUST_NOT && curP != NONE) return failEvent(c + 3);
  if (g == MUST && curG == NONE) return failEvent(c + 4);
  if (g == MUST_NOT && curG != NONE) return failEvent(c + 5);
  return 0;
}

/** validateUserGo checks Go's userGoReqs: a thread, a proc and a goroutine. */
@inline export function validateUserGo(): i32 { return validateCtx(MUST, MUST, MUST); }

// ---- Queueing ----

/** pushEvent queues the event being advanced, in the current context. */
export function pushEvent(): void { pushEventHere(); }

/** pushEventHere is pushEvent inlined, for the handlers of the most frequent
 * events, which then make no call at all. */
@inline export function pushEventHere(): void {
  const r = queuePush();
  store<u64>(r, <u64>(evType() & 0xff) | <u64>recordSerial << (RECORD_SERIAL << 3)); // no flags
  store<i64>(r, load<i64>(ev, 8), RECORD_TIME);
  store<i64>(r, curG, RECORD_G);
  store<i64>(r, curP, RECORD_P);
  store<i64>(r, curM, RECORD_M);
  v128.store(r, v128.load(ev, 16), RECORD_ARGS); // the args: a memory.copy this small costs a call
  v128.store(r, v128.load(ev, 32), RECORD_ARGS + 16);
  store<u64>(r, evOffset, RECORD_BATCH_OFFSET);
}

/** pushMade queues an event the ordering makes up (Go's makeEvent) at the
 * time of the event being advanced, on the current proc and thread. */
export function pushMade(typ: u32, g: i64, a0: u64, a1: u64, a3: u64): void {
  writeRecord(queuePush(), typ, 0, recordSerial, load<i64>(ev, 8), g, curP, curM, a0, a1, 0, a3, evOffset);
}

/** resetState forgets every resource, for a new trace. */
export function resetState(): void {
  goroutines.reset();
  procs.reset();
  threads.reset();
  threadRecs = threads.recs.ptr;
  initialGen = 0;
}

export { ERROR };
