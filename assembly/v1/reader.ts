// The reader of old traces (Go 1.11-1.21), as Go's Reader reads them: the
// whole trace is parsed, ordered and checked before the first event comes
// out, then its events are converted one by one, between a Sync one
// nanosecond before the first event and a Sync one nanosecond after the last.
//
// The old format has no generations, so nothing can be handed on before the
// input has ended: memory grows with the trace (the input, 64 bytes per
// event and the tables), as it does in Go. That is accepted for old traces
// only; the new formats are read generation by generation.

import { Vec, U64Map } from '../mem';
import { fail, failed, ERROR, NEED_INPUT, END } from '../errors';
import { pending, pos, closed, offset, traceVersion } from '../input';
import { RECORD_SIZE, writeRecord } from '../queue';
import { RECORD_TYPE, RECORD_TIME, RECORD_ARGS, RECORD_BATCH_OFFSET } from '../abi';
import { V1GoSysCall, V1GoSysBlock } from './format';
import { EV_SIZE, EV_BOFF, EV_BLOCKED, evType, evTs, evG } from './event';
import { collectBatches, resetParser } from './parser';
import { resetBatch } from './batch';
import { order, events, resetOrder } from './order';
import { syscallTimes } from './sysexit';
import { toNanoseconds, postProcess } from './postprocess';
import { initConvert, convert, BUILTIN_STRINGS, builtinBase, inlineBase, haveInline, haveBuiltins,
  UNEXPECTED } from './convert';
import { maxStringID, inlineCount, addInlineStrings, addBuiltinStrings, buildBlob, resetTables, hasString,
  checkStack, missingID, MISSING_STACK, dropStacks } from './tables';
import { STACK_ARGS, STRING_ARGS } from '../format';
import {
  E_OLD_MISSING_STACK, E_OLD_MISSING_STRING, E_OLD_TOO_MANY_STRINGS, E_OLD_UNEXPECTED_TYPE,
} from '../error-codes';


/** The record type of Sync events, and the flag of the Sync that brings tables. */
const SYNC: u8 = 0xff;
const NEW_TABLES: u8 = 1;

// Stages: waiting for the whole input, handing out events, done.
const WAITING = 0, READING = 1, DONE = 2;
let stage = WAITING;
let cursor: usize = 0; // the next event to convert
let lastTs: i64 = -1; // the conversion's last time (Go's traceV1Converter.lastTs)
let syncs: u64 = 0;
// Records converted but not yet handed out, and where the next one is.
const extra = new Vec();
let extraAt: usize = 0;

/** v1Next writes up to `max` records at `out`, as the ordered reader's next()
 * does for the new formats, and returns how many, or a status. */
export function v1Next(out: usize, max: u32): i32 {
  if (failed) return ERROR;
  if (heldCode != 0) return fail(heldCode, heldOffset, 0, missing);
  if (stage == WAITING) {
    if (!closed) return NEED_INPUT;
    if (prepare() < 0) return ERROR;
    stage = READING;
  }
  if (stage == DONE) return END;
  const nEvents = events.len / EV_SIZE;
  let n: u32 = 0;
  while (n < max) {
    const r = out + <usize>n * RECORD_SIZE;
    if (syncs == 0 && nEvents > 0) {
      sync(r, evTs(events.ptr) - 1, NEW_TABLES, 1);
      n++;
    } else if (extraAt < extra.len) {
      memory.copy(r, extra.ptr + extraAt, RECORD_SIZE);
      extraAt += RECORD_SIZE;
      if (extraAt == extra.len) { extra.reset(); extraAt = 0; }
      stampTime(r);
      n++;
    } else if (cursor < nEvents) {
      if (max - n < 2) break;
      const e = events.ptr + cursor * EV_SIZE;
      const k = convert(e, r, extra);
      if (k < 0) {
        if (n > 0) break;
        // Where Go's conversion lacks the strings, it panics indexing an
        // empty table (index out of range); we cannot panic, and say why.
        if (k != UNEXPECTED) return fail(E_OLD_TOO_MANY_STRINGS, <u64>load<u32>(e, EV_BOFF), 0);
        return fail(E_OLD_UNEXPECTED_TYPE, <u64>load<u32>(e, EV_BOFF), 0, <u64>evType(e));
      }
      cursor++;
      for (let i = 0; i < k; i++) {
        const ri = r + <usize>i * RECORD_SIZE;
        stampTime(ri);
        if (!checkIDs(ri)) return n > 0 ? <i32>n : fail(heldCode, heldOffset, 0, missing);
        n++;
      }
    } else {
      // A trace without events has no Sync that brought tables: its one
      // Sync, like the new formats' last, names no generation.
      sync(r, lastTs + 1, 0, syncs == 0 ? 0 : 1);
      stage = DONE;
      return <i32>n + 1;
    }
  }
  return <i32>n;
}

// The error found in a record that comes after others in the same call: it
// is raised on the next call, once the records before it are handed out.
let heldCode: u32 = 0;
let heldOffset: u64 = 0;
let missing: u64 = 0;

// Per record type, the arguments whose IDs printing the event looks up, in
// the order Go looks them up (strings, then stacks, the transition's first):
// u8 × 4 string argument indices + 1, u8 × 2 stack argument indices + 1.
const idArgs = heap.alloc(256 * 8);
memory.fill(idArgs, 0, 256 * 8);
for (let p = STRING_ARGS; load<u8>(p) != 0; p += 2) addIDArg(load<u8>(p), load<u8>(p, 1), 0, 4);
for (let p = STACK_ARGS; load<u8>(p) != 0; p += 2) addIDArg(load<u8>(p), load<u8>(p, 1), 4, 2);

function addIDArg(typ: u8, wireIndex: u8, from: usize, slots: usize): void {
  const at = idArgs + <usize>typ * 8 + from;
  // Stack slots fill from the back: Go prints a transition's stack (listed
  // second) before the event's own.
  for (let k: usize = 0; k < slots; k++) {
    const slot = from == 0 ? at + k : at + slots - 1 - k;
    if (load<u8>(slot) == 0) { store<u8>(slot, wireIndex); return; }
  }
}

// checkIDs checks that every string and stack record `r` names is in the
// tables, as Go's printing of the event needs (Go panics where one is not:
// the old format's conversion does not check them); else it holds the error.
function checkIDs(r: usize): bool {
  const c = idArgs + <usize>load<u8>(r, RECORD_TYPE) * 8;
  for (let k: usize = 0; k < 6; k++) {
    const i = <usize>load<u8>(c + k);
    if (i == 0) continue;
    const id = load<u64>(r + RECORD_ARGS + ((i - 1) << 3));
    let what: i32 = 0;
    if (k < 4) {
      if (id != 0 && !hasString(id)) { what = 1; missing = id; }
    } else {
      what = checkStack(id);
      if (what != 0) missing = missingID;
    }
    if (what != 0) {
      heldCode = what == MISSING_STACK ? E_OLD_MISSING_STACK : E_OLD_MISSING_STRING;
      heldOffset = load<u64>(r, RECORD_BATCH_OFFSET);
      return false;
    }
  }
  return true;
}

// sync writes the next Sync event at `r`, of generation `serial` (0: none).
function sync(r: usize, ts: i64, flags: u8, serial: u32): void {
  writeRecord(r, SYNC, flags, serial, ts, -1, -1, -1, ++syncs, 0, 0, 0, 0);
}

// stampTime makes the record's time later than the last one's: the new model
// allows no two events at one time, which the conversion may produce.
@inline function stampTime(r: usize): void {
  let t = load<i64>(r, RECORD_TIME);
  if (t <= lastTs) t = lastTs + 1;
  store<i64>(r, t, RECORD_TIME);
  lastTs = t;
}

// prepare parses, orders and checks the whole trace, then readies the conversion.
function prepare(): i32 {
  const data = pending.ptr + pos;
  if (collectBatches(data, pending.len - pos, offset(), traceVersion) < 0) return ERROR;
  if (order() < 0 || syscallTimes() < 0 || toNanoseconds() < 0 || postProcess() < 0) return ERROR;
  // Where the trace's string IDs leave too little room above them, Go's
  // conversion drops its "too many strings" error and reads on with the
  // strings added so far and no stacks (see initConvert).
  initConvert(traceVersion, maxStringID, inlineCount());
  if (haveInline) addInlineStrings(inlineBase);
  if (haveBuiltins) addBuiltinStrings(builtinBase, BUILTIN_STRINGS);
  else dropStacks();
  buildBlob();
  markBlockingSyscalls();
  return 1;
}

// nextType holds, per goroutine, the type of its next event (walking backwards).
const nextType = new U64Map();

// markBlockingSyscalls marks each GoSysCall whose goroutine's next event is a
// GoSysBlock: Go looks ahead for it to tell a blocking syscall.
function markBlockingSyscalls(): void {
  nextType.clear();
  for (let i = events.len / EV_SIZE; i > 0; i--) {
    const e = events.ptr + (i - 1) * EV_SIZE;
    const t = evType(e);
    if (t == V1GoSysCall) store<u8>(e, nextType.get(evG(e), 0) == V1GoSysBlock ? 1 : 0, EV_BLOCKED);
    nextType.set(evG(e), t);
  }
}

/** resetV1 forgets the old-format reader's state, for a new trace. */
export function resetV1(): void {
  stage = WAITING; cursor = 0; lastTs = -1; syncs = 0; heldCode = 0; heldOffset = 0; missing = 0;
  extra.reset(); extraAt = 0;
  resetParser(); resetBatch(); resetOrder(); resetTables();
}
