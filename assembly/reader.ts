// The ordered reader (Go's reader.go, for the Go 1.22+ formats): it reads a
// generation, starts one cursor per thread, and repeatedly offers the ordering
// the earliest event that it will accept, interleaving CPU samples by time. It
// writes event records (assembly/README.md) into a fixed region, up to
// MAX_RECORDS per call to next(), as if Go's ReadEvent were called that many
// times: a Sync where a generation begins (and where the trace ends, or before
// a generation's error is reported), each event checked against the tables
// and given Go's monotonic time.

import { readHeader, traceVersion } from './input';
import { fail, failed, ERROR, NEED_INPUT, END } from './errors';
import { STACK_ARGS, STRING_ARGS, GO122, GO126, EvCPUSample, EvSTWEnd } from './format';
import { raiseHeld, heldIsEOF } from './batch';
import { hasStack, hasString, storeStack, storeString, MISSING_ID, blob } from './tables';
import { resetStore } from './intern';
import {
  readGeneration, buildTablesBlob, resetGeneration, mulFreq, genNum, genOffset, minTs, freq,
  spill, spillErr, samples, sampleOrder, SAMPLE,
} from './generation';
import {
  startCursors, moveOn, moveFirst, firstLimit, cursorAt, cursorIndexAt, timeAt, threadOf, threadSlotCacheOf, batchOffsetOf, sortFrontier, resetCursors, frontierLen,
} from './cursor';
import { advance, resetOrder } from './order';
import { virtual, firstTime, afterSort, tryFirst, triedFirst, scan, AGAIN, countWork, resetFrontier } from './frontier';
import { RECORD_TYPE, RECORD_TIME, RECORD_ARGS, RECORD_BATCH_OFFSET } from './abi';
import { queuePop, queueOffer, queueTaken, queueLen, setRecordSerial, writeRecord, RECORD_SIZE } from './queue';
import { v1Next, resetV1 } from './v1/reader'; // old formats (Go 1.11-1.21), engineer v1
import { E_EVENT_STACK_ID, E_EVENT_STRING_ID, E_FAILED_TO_ADVANCE } from './error-codes';

/** MAX_RECORDS is the most records one call to next() writes. */
export const MAX_RECORDS: u32 = 1024;
/** SYNC is the record type of Sync events. */
export const SYNC: u8 = 0xff;
/** NEW_TABLES flags the Sync that starts a generation. */
export const NEW_TABLES: u8 = 1;

const out = heap.alloc(<usize>MAX_RECORDS * RECORD_SIZE);

// Per event type: up to two stack-ID and two string-ID argument indices (1-based
// wire indices, 0 = none), in the order Go checks them.
const idChecks = heap.alloc(256 * 4);
memory.fill(idChecks, 0, 256 * 4);
fillChecks(STACK_ARGS, 0);
fillChecks(STRING_ARGS, 2);

function fillChecks(pairs: usize, slot: usize): void {
  for (let p = pairs; load<u8>(p) != 0; p += 2) {
    const at = idChecks + <usize>load<u8>(p) * 4 + slot;
    store<u8>(load<u8>(at) == 0 ? at : at + 1, load<u8>(p, 1));
  }
}

// Reader state (Go's Reader).
let done = false;
let lastTs: i64 = 0;
let syncs: u64 = 0;
let serial: u32 = 0; // the installed generation's serial; 0 = none
let haveGen = false; // Go's r.gen != nil
let spilled = false; // Go's r.spill != nil: the installed generation was followed by another
let genErr = false; // a generation failed: raise the held error after a Sync
let spillPending = false; // Go's r.spillErr != nil
let spillSynced = false; // Go's r.spillErrSync
let nextSample: usize = 0;
let sampleCount: usize = 0;

/** records is exported: the address of the record region. */
export function records(): usize { return out; }
/** tables is exported: the current generation's tables blob. */
export function tables(): usize { return blob.ptr; }
/** tablesLen is exported: the length of the current tables blob. */
export function tablesLen(): u32 { return <u32>blob.len; }

/** resetReader forgets the ordered reader's state, for a new trace. */
export function resetReader(): void {
  done = false; lastTs = 0; syncs = 0; serial = 0; haveGen = false; spilled = false; genErr = false;
  spillPending = false; spillSynced = false; nextSample = 0; sampleCount = 0;
  resetGeneration();
  resetStore();
  resetCursors();
  resetFrontier();
  resetOrder();
  blob.reset();
  resetV1();
}

// The status of readEvent when it stops a batch of records at a generation's end.
const STOP: i32 = -100;

/** next is exported: it writes the next records and returns how many (see the
 * statuses in assembly/README.md). */
export function next(): i32 {
  if (failed) return ERROR;
  const h = readHeader();
  if (h != 1) return h;
  if (traceVersion < GO122) return v1Next(out, MAX_RECORDS); // old formats: assembly/v1
  let n: u32 = 0;
  let st: i32 = 0;
  while (n < MAX_RECORDS) {
    if (queueLen() == 0 && frontierLen > 0 && !done && !virtual) {
      n = advanceFirst(n);
      if (failed) { st = ERROR; break; }
      if (n == MAX_RECORDS) break;
    }
    const dst = out + <usize>n * RECORD_SIZE;
    st = readEvent(dst, n);
    if (st != 1) break;
    if (finishEvent(dst) == ERROR) { st = ERROR; break; }
    n++;
  }
  // STOP comes only after records, so it is never the status returned.
  return n > 0 ? <i32>n : st;
}

// advanceFirst writes the records of the events that readEvent would take
// from the first cursor of the heap, from record `n` on, while the queue is
// empty and no CPU sample comes first: the common case, without readEvent's
// other checks. While a cursor stays first, its events are taken one after
// another against one limit (its children's earliest time, and the next
// sample's), without a look at the rest of the heap. It returns the number of
// records then written; where the first cursor's event must wait, it leaves it
// to readEvent, which tries the others; where it fails, the error is recorded
// (failed).
function advanceFirst(n: u32): u32 {
  let dst = out + <usize>n * RECORD_SIZE;
  while (n < MAX_RECORDS && frontierLen > 0) {
    let limit = firstLimit();
    if (nextSample < sampleCount) {
      const s = load<i64>(samples.ptr + <usize>load<u64>(sampleOrder.ptr + (nextSample << 4), 8) * SAMPLE);
      if (s < timeAt(0)) break;
      if (s < limit) limit = s;
    }
    const c = cursorAt(0);
    const m = threadOf(c);
    const slotCache = threadSlotCacheOf(c);
    while (true) {
      countWork(1);
      queueOffer(dst);
      const ok = advance(c, m, genNum, batchOffsetOf(c), slotCache);
      if (ok != 1) {
        queueTaken();
        return n;
      }
      const first = moveFirst(c, limit);
      if (first == ERROR) return n;
      if (!queueTaken() && !queuePop(dst)) unreachable();
      if (finishEvent(dst) == ERROR) return n;
      n++;
      // An event that stood for more records leaves the rest queued.
      if (queueLen() != 0 || n == MAX_RECORDS) return n;
      dst += RECORD_SIZE;
      if (first == 0) break;
    }
  }
  return n;
}

// finishEvent checks the event's stack and string IDs against the generation's
// tables and makes its time later than the last event's, as Go's ReadEvent
// does before it returns an event.
@inline function finishEvent(dst: usize): i32 {
  const typ = <usize>load<u8>(dst, RECORD_TYPE);
  // Syncs have none (their entry is 0), like most events; of the rest, most
  // have at most one stack and one string, and goroutine creations two stacks
  // and no string, checked here without a call: an ID's store ID is
  // MISSING_ID where the tables lack it (checkIDs then reports the missing
  // one, in Go's order). The IDs become store IDs only once all are found.
  const checks = load<u32>(idChecks + typ * 4);
  if (checks != 0) {
    if ((checks & 0xff00ff00) == 0) {
      const s = <usize>(checks & 0xff), t = <usize>(checks >> 16);
      const sv = s != 0 ? storeStack(idArg(dst, s)) : 0;
      const tv = t != 0 ? storeString(idArg(dst, t)) : 0;
      if (sv == MISSING_ID || tv == MISSING_ID) return checkIDs(dst, typ);
      if (s != 0) setIdArg(dst, s, sv);
      if (t != 0) setIdArg(dst, t, tv);
    } else if ((checks & 0xffff0000) == 0) {
      const a = <usize>(checks & 0xff), b = <usize>((checks >> 8) & 0xff);
      const av = storeStack(idArg(dst, a)), bv = storeStack(idArg(dst, b));
      if (av == MISSING_ID || bv == MISSING_ID) return checkIDs(dst, typ);
      setIdArg(dst, a, av);
      setIdArg(dst, b, bv);
    } else {
      if (checkIDs(dst, typ) == ERROR) return ERROR;
      toStoreIDs(dst, checks);
    }
    // A stack sample's stack (args[0]) is not among its checked arguments.
    if (typ == EvCPUSample) setIdArg(dst, 1, storeStack(idArg(dst, 1)));
  } else if (typ == EvSTWEnd) {
    // The kind of STW it ends, from its STWBegin: resolved in this generation, as Go does.
    setIdArg(dst, 1, storeString(idArg(dst, 1)));
  }
  let t = load<i64>(dst, RECORD_TIME);
  if (t <= lastTs) t = lastTs + 1;
  store<i64>(dst, t, RECORD_TIME);
  lastTs = t;
  return 1;
}

// checkIDs checks the stack and string IDs of the event at `dst` of type `typ`,
// in Go's order: its stacks, then its strings. A type's second stack (string)
// index is set only where its first is, so the checks stop at the first 0.
function checkIDs(dst: usize, typ: usize): i32 {
  const c = idChecks + typ * 4;
  const s0 = <usize>load<u8>(c);
  if (s0 != 0) {
    if (!hasStack(idArg(dst, s0))) return badID(E_EVENT_STACK_ID, dst, s0);
    const s1 = <usize>load<u8>(c, 1);
    if (s1 != 0 && !hasStack(idArg(dst, s1))) return badID(E_EVENT_STACK_ID, dst, s1);
  }
  const t0 = <usize>load<u8>(c, 2);
  if (t0 != 0) {
    if (!hasString(idArg(dst, t0))) return badID(E_EVENT_STRING_ID, dst, t0);
    const t1 = <usize>load<u8>(c, 3);
    if (t1 != 0 && !hasString(idArg(dst, t1))) return badID(E_EVENT_STRING_ID, dst, t1);
  }
  return 1;
}

// toStoreIDs replaces the stack and string IDs of the arguments that
// `rewrites` names (as idChecks does) of the record at `dst`, all of them
// found, with their store IDs.
@inline function toStoreIDs(dst: usize, rewrites: u32): void {
  let i = <usize>(rewrites & 0xff);
  if (i != 0) {
    setIdArg(dst, i, storeStack(idArg(dst, i)));
    i = <usize>((rewrites >> 8) & 0xff);
    if (i != 0) setIdArg(dst, i, storeStack(idArg(dst, i)));
  }
  i = <usize>((rewrites >> 16) & 0xff);
  if (i != 0) {
    setIdArg(dst, i, storeString(idArg(dst, i)));
    i = <usize>(rewrites >> 24);
    if (i != 0) setIdArg(dst, i, storeString(idArg(dst, i)));
  }
}

// setIdArg stores `v` in wire argument `i` (1-based) of the record at `dst`.
@inline function setIdArg(dst: usize, i: usize, v: u64): void { store<u64>(dst + RECORD_ARGS + ((i - 1) << 3), v); }

// idArg is the ID in wire argument `i` (1-based) of the record at `dst`.
@inline function idArg(dst: usize, i: usize): u64 { return load<u64>(dst + RECORD_ARGS + ((i - 1) << 3)); }

// badID fails with error `code` for the ID in wire argument `i` of the record
// at `dst`.
function badID(code: u32, dst: usize, i: usize): i32 {
  return fail(code, load<u64>(dst, RECORD_BATCH_OFFSET), genNum, idArg(dst, i), <u64>load<u8>(dst, RECORD_TYPE));
}

// readEvent produces the next event, as Go's ReadEvent does (without what
// finishEvent does), into `dst`: 1, NEED_INPUT, END, ERROR, or STOP where a
// generation ends and `n` records are already waiting.
@inline function readEvent(dst: usize, n: u32): i32 {
  if (done) return END;
  if (queuePop(dst)) return 1;
  if (frontierLen == 0 && nextSample == sampleCount) {
    if (n > 0) return STOP;
    return traceVersion < GO126 ? nextGenWithSpill(dst) : nextGen(dst);
  }
  if (nextSample < sampleCount) {
    const s = samples.ptr + <usize>load<u64>(sampleOrder.ptr + (nextSample << 4), 8) * SAMPLE;
    if (frontierLen == 0 || load<i64>(s) < firstTime()) {
      nextSample++;
      return sample(dst, s);
    }
  }
  // The first cursor, then, where its event must wait, the rest in time
  // order: in Go's heap, or in frontier.ts's virtual mode (which may give
  // Go's heap back: AGAIN).
  let st: i32;
  let tried: u32; // the cursor tried first
  if (virtual) {
    st = tryFirst(dst);
    tried = triedFirst;
    if (st == AGAIN) {
      tried = cursorIndexAt(0);
      st = tryAdvance(0, dst);
    } else if (st == 0) {
      // AGAIN: Go's heap is back, its first cursor tried; it is sorted below.
      const r = scan(dst, tried);
      if (r != AGAIN) st = r;
    }
  } else {
    tried = cursorIndexAt(0);
    st = tryAdvance(0, dst);
  }
  if (st == ERROR) return ERROR;
  if (st == 0) {
    sortFrontier();
    countWork(<u64>frontierLen);
    if (afterSort()) st = scan(dst, tried);
    else st = tryRest(dst);
    if (st == ERROR) return ERROR;
  }
  // The first record of the event went straight to `dst`, unless the
  // ordering pushed none there.
  if (!queueTaken() && !queuePop(dst)) unreachable();
  return 1;
}

// tryRest tries the cursors of the sorted heap after the first, in order,
// until one's event is accepted (1), as Go's ReadEvent does; where none is,
// the reading fails.
function tryRest(dst: usize): i32 {
  for (let i = 1; i < frontierLen; i++) {
    const st = tryAdvance(i, dst);
    if (st != 0) return st;
  }
  const c = cursorAt(0);
  return fail(E_FAILED_TO_ADVANCE, batchOffsetOf(c), genNum, genNum, <u64>frontierLen, threadOf(c), <u64>load<u32>(c));
}

// tryAdvance offers the ordering the event of the cursor at heap position `i`,
// with `dst` for its first record, and, where it is accepted, moves the cursor
// on.
function tryAdvance(i: i32, dst: usize): i32 {
  const c = cursorAt(i);
  const off = batchOffsetOf(c);
  countWork(1);
  queueOffer(dst);
  const ok = advance(c, threadOf(c), genNum, off, threadSlotCacheOf(c));
  if (ok != 1) return ok;
  return moveOn(i, c);
}

// sample writes the record of CPU sample `s`.
function sample(dst: usize, s: usize): i32 {
  writeRecord(dst, EvCPUSample, 0, serial, load<i64>(s), load<i64>(s, 24), load<i64>(s, 16), load<i64>(s, 8),
    load<u64>(s, 32), 0, 0, 0, load<u64>(s, 40));
  return 1;
}

// sync writes a Sync record: with the generation's tables where it starts one
// (serial != 0), else one with no tables (serial 0), as Go's syncEvent with a
// nil table.
function sync(dst: usize, time: i64, withTables: bool, off: u64): i32 {
  syncs++;
  writeRecord(dst, SYNC, withTables ? NEW_TABLES : 0, withTables ? serial : 0, time, -1, -1, -1, syncs, 0, 0, 0, off);
  return 1;
}

// nextGen reads the next generation of a Go 1.26+ trace (Go's readGeneration
// step of ReadEvent).
function nextGen(dst: usize): i32 {
  if (genErr) return raise();
  const st = readGeneration();
  if (st == NEED_INPUT) return NEED_INPUT;
  if (st == ERROR) {
    genErr = true;
    haveGen = false;
    return sync(dst, lastTs, false, genOffset);
  }
  if (st == END) {
    done = true;
    return sync(dst, lastTs, false, genOffset);
  }
  return installGen(dst);
}

// nextGenWithSpill reads the next generation of an older trace, whose end is
// known only once the next generation's first batch has been read (Go's
// nextGenWithSpill).
function nextGenWithSpill(dst: usize): i32 {
  if (spillPending) {
    if (spillSynced) return raise();
    spillSynced = true;
    return sync(dst, lastTs, false, genOffset);
  }
  if (haveGen && !spilled) {
    done = true;
    return sync(dst, lastTs, false, genOffset);
  }
  const st = readGeneration();
  if (st == NEED_INPUT) return NEED_INPUT;
  if (st != 1) {
    haveGen = false;
    spillPending = true;
    spillSynced = true;
    return sync(dst, lastTs, false, genOffset);
  }
  spillPending = spillErr;
  spilled = spill;
  return installGen(dst);
}

// raise reports the error held when a generation failed. A bare io.EOF ends
// the trace instead: Go's reader returns it as is, and to its callers io.EOF
// is the end of the trace.
function raise(): i32 {
  if (!heldIsEOF()) return raiseHeld();
  done = true;
  return END;
}

// installGen makes the generation just read current and writes its Sync.
function installGen(dst: usize): i32 {
  haveGen = true;
  serial++;
  setRecordSerial(serial);
  buildTablesBlob();
  nextSample = 0;
  sampleCount = samples.len / SAMPLE;
  resetFrontier();
  if (startCursors() == ERROR) return ERROR;
  return sync(dst, mulFreq(minTs, freq), true, genOffset);
}
