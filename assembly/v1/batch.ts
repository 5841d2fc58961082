// Go's second pass over an old trace: one batch at a time, parsed into
// events when the ordering needs the next events of the batch's P. Strings,
// stacks, the frequency and the timer goroutines are taken in here, from
// whichever batch they lie in (a batch runs up to the next batch header).

import { Vec, U64Map } from '../mem';
import { ERROR } from '../errors';
import { V1Batch, V1Stack, V1Frequency, V1TimerGoroutine, V1CPUSample, V1UserLog, V1GoStart, V1GoStartLocal,
  V1GoStartLabel, V1GoEnd, V1GoStop, V1GoSched, V1GoPreempt, V1GoSleep, V1GoBlock, V1GoBlockSend,
  V1GoBlockRecv, V1GoBlockSelect, V1GoBlockSync, V1GoBlockCond, V1GoBlockNet, V1GoSysBlock, V1GoBlockGC,
  V1GoSysExit, V1GoWaiting, V1GoInSyscall, v1ArgNum, v1HasStack } from './format';
import { addInline, addStack } from './tables';
import { EV_SIZE, EV_G, EV_ARGS, EV_BOFF, setOldEvent, growEvent } from './event';
import { RAW_EOF, rawType, rawArgc, rawPid, rawStart, sargPtr, sargLen, data, dataOffset, batches, pidInfo, streamOffset,
  readRaw, arg, argAddr, failAt, setOff, pidSlot, pidOf } from './parser';
import {
  E_OLD_STACK_ARGS, E_OLD_STACK_FRAMES, E_OLD_STACK_SHORT, E_OLD_TIME_ORDER, E_OLD_WRONG_ARGS,
} from '../error-codes';

// Per-P record in pidInfo (parser.ts): i32 pid, u32 head, u32 tail, pad, u64 last G.
const PID: usize = 24;

/** ticksPerSec is the trace's clock frequency from its Frequency event (0 until seen). */
export let ticksPerSec: i64 = 0;
/** timerGoroutines holds the goroutines a TimerGoroutine event named. */
export const timerGoroutines = new U64Map();

// The parsing state that carries from event to event: the P of the batch
// being parsed (its index), the last time, the goroutine running on it.
let curPi: u32 = U32.MAX_VALUE;
let lastTs: i64 = 0;
let lastG: u64 = 0;
let batchOff: u32 = 0;

/** loadBatch parses the next batch of P index `pi`, appending its events to
 * `buf`. It returns 1 (even where the batch had no events), 0 where the P has
 * no batches left (Go's io.EOF), or ERROR. */
export function loadBatch(pi: u32, buf: Vec): i32 {
  const info = pidInfo.ptr + <usize>pi * PID;
  const head = load<u32>(info, 4);
  if (head == U32.MAX_VALUE) return 0;
  const b = batches.ptr + (<usize>head << 3);
  store<u32>(info, load<u32>(b, 4), 4);
  setOff(data + <usize>load<u32>(b));
  let gotHeader = false;
  while (true) {
    const r = readRaw(false);
    if (r == RAW_EOF) break;
    if (r < 0) return ERROR;
    if (rawType == 0 || rawType == V1CPUSample) continue;
    if (rawType == V1Batch) {
      if (gotHeader) break;
      gotHeader = true;
    }
    if (parseEvent(buf) < 0) return ERROR;
  }
  return 1;
}

// parseEvent checks the raw event just read and takes it in: batch headers,
// the frequency, timer goroutines and stacks change the parser's state, and
// every other event is appended to `buf`.
function parseEvent(buf: Vec): i32 {
  const typ = rawType;
  if (typ != V1Stack && rawArgc != v1ArgNum(typ)) return failAt(E_OLD_WRONG_ARGS, <u64>typ, <u64>v1ArgNum(typ), <u64>rawArgc);
  switch (typ) {
    case V1Batch: {
      if (curPi != U32.MAX_VALUE) store<u64>(pidInfo.ptr + <usize>curPi * PID, lastG, 16);
      curPi = pidSlot(rawPid);
      lastG = load<u64>(pidInfo.ptr + <usize>curPi * PID, 16);
      lastTs = <i64>arg(1);
      batchOff = <u32>(dataOffset + <u64>(rawStart - data));
      return 1;
    }
    case V1Frequency: {
      ticksPerSec = <i64>arg(0);
      return ticksPerSec <= 0 ? failAt(E_OLD_TIME_ORDER) : 1;
    }
    case V1TimerGoroutine: {
      timerGoroutines.set(arg(0), 1);
      return 1;
    }
    case V1Stack: return parseStack();
  }
  const e = growEvent(buf, streamOffset(rawStart));
  if (e == 0) return ERROR;
  lastTs += <i64>arg(0);
  setOldEvent(e, typ, lastTs, pidOf(curPi), lastG,
    v1HasStack(typ) ? <u32>arg(rawArgc - 1) : 0);
  const nargs = v1HasStack(typ) ? rawArgc - 2 : rawArgc - 1;
  for (let i: u32 = 0; i < nargs; i++) store<u64>(e + EV_ARGS + (<usize>i << 3), arg(i + 1));
  store<u32>(e, batchOff, EV_BOFF);
  trackGoroutine(e, typ);
  if (typ == V1UserLog) store<u64>(e + EV_ARGS + 24, <u64>addInline(sargPtr, sargLen));
  return 1;
}

// trackGoroutine follows which goroutine runs on the batch's P: events
// after a start belong to the started goroutine, and after a stop or block
// to none; some events name their goroutine in their first argument.
function trackGoroutine(e: usize, typ: u32): void {
  switch (typ) {
    case V1GoStart: case V1GoStartLocal: case V1GoStartLabel:
      lastG = load<u64>(e, EV_ARGS);
      store<u64>(e, lastG, EV_G);
      break;
    case V1GoEnd: case V1GoStop: case V1GoSched: case V1GoPreempt: case V1GoSleep: case V1GoBlock:
    case V1GoBlockSend: case V1GoBlockRecv: case V1GoBlockSelect: case V1GoBlockSync: case V1GoBlockCond:
    case V1GoBlockNet: case V1GoSysBlock: case V1GoBlockGC:
      lastG = 0;
      break;
    case V1GoSysExit: case V1GoWaiting: case V1GoInSyscall:
      store<u64>(e, load<u64>(e, EV_ARGS), EV_G);
      break;
  }
}

// parseStack checks a stack-table entry and records it: id, frame count,
// then four numbers per frame. Stacks with ID 0 or no frames are dropped.
function parseStack(): i32 {
  if (rawArgc < 2) return failAt(E_OLD_STACK_SHORT, <u64>rawArgc);
  const size = arg(1);
  if (size > 1000) return failAt(E_OLD_STACK_FRAMES, size);
  const want = 2 + 4 * size;
  if (<u64>rawArgc != want) return failAt(E_OLD_STACK_ARGS, want, <u64>rawArgc);
  const id = <u32>arg(0);
  if (id != 0 && size > 0) addStack(id, <u32>size, argAddr(2));
  return 1;
}

/** resetBatch forgets the parsing state, for a new trace. */
export function resetBatch(): void {
  ticksPerSec = 0; timerGoroutines.clear();
  curPi = U32.MAX_VALUE; lastTs = 0; lastG = 0; batchOff = 0;
}
