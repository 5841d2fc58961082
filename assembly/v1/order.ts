// The ordering of an old trace's events, as Go's tracev1 does it. Each P's
// batches are in order; the ordering interleaves them into one stream. The
// frontier holds the next event of every P whose goroutine's state (a
// sequence number and a status) allows it; the earliest of them is taken,
// which changes that state, and so on. Then GoSysExit events get their real
// times and the stream is sorted by time, stably.
//
// Go's reader takes its Ps in map order: for up to 8 Ps, a rotation of the
// order in which their first batches appear, starting at a random slot of
// the map's eight, so the order of first appearance is the likeliest (and,
// with one P, the only) one. This one takes that order, and then does as Go
// does with it (see fillFrontier), so that where Go's reading does not vary
// ours is Go's, byte for byte. The re-sort after syscall exits get their real
// times is in sysexit.ts.

import { Vec, U64Map } from '../mem';
import { fail, ERROR } from '../errors';
import { V1GoCreate, V1GoWaiting, V1GoInSyscall, V1GoStart, V1GoStartLabel, V1GoStartLocal, V1GoBlock,
  V1GoBlockSend, V1GoBlockRecv, V1GoBlockSelect, V1GoBlockSync, V1GoBlockCond, V1GoBlockNet, V1GoSleep,
  V1GoSysBlock, V1GoBlockGC, V1GoSched, V1GoPreempt, V1GoUnblock, V1GoSysExit, V1GoUnblockLocal,
  V1GoSysExitLocal, V1GCStart } from './format';
import { EV_SIZE, EV_TYPE, EV_BOFF, PROFILE_P, evType, evTs, evG, evArg, copyEvent, growEvent } from './event';
import { isSorted, sortSamples } from './sysexit';
import { pidCount, pidSlot, cpuSamples } from './parser';
import { loadBatch } from './batch';
import { E_OLD_BAD_TRANSITION, E_OLD_NO_ORDER, E_OLD_TIME_ORDER } from '../error-codes';

/** events is the ordered stream, EV_SIZE bytes per event. */
export const events = new Vec();

// Goroutine statuses of the ordering, and its special sequence numbers.
const G_DEAD: u32 = 0, G_RUNNABLE: u32 = 1, G_RUNNING: u32 = 2, G_WAITING: u32 = 3;
const UNORDERED: u64 = U64.MAX_VALUE;
const GARBAGE: u64 = U64.MAX_VALUE - 1;
const NOSEQ: u64 = U64.MAX_VALUE;
const SEQINC: u64 = U64.MAX_VALUE - 1;

// The state of each goroutine (and of the GC, under GARBAGE): u64 seq, u64 status.
const gIndex = new U64Map();
const gStates = new Vec();

// stateTransition's results for the last event it was given.
let tG: u64 = 0;
let initSeq: u64 = 0, initStatus: u32 = 0, nextSeq: u64 = 0, nextStatus: u32 = 0;

// set records a transition of goroutine `g` from (is, ist) to (ns, nst).
@inline function set(g: u64, is: u64, ist: u32, ns: u64, nst: u32): void {
  tG = g; initSeq = is; initStatus = ist; nextSeq = ns; nextStatus = nst;
}

// stateTransition says which goroutine event `e` orders against, the state
// it must find that goroutine in, and the state it leaves it in.
function stateTransition(e: usize): void {
  switch (evType(e)) {
    case V1GoCreate: set(evArg(e, 0), 0, G_DEAD, 1, G_RUNNABLE); return;
    case V1GoWaiting: case V1GoInSyscall: set(evG(e), 1, G_RUNNABLE, 2, G_WAITING); return;
    case V1GoStart: case V1GoStartLabel: {
      const s = evArg(e, 1);
      set(evG(e), s, G_RUNNABLE, s + 1, G_RUNNING);
      return;
    }
    case V1GoStartLocal: set(evG(e), NOSEQ, G_RUNNABLE, SEQINC, G_RUNNING); return;
    case V1GoBlock: case V1GoBlockSend: case V1GoBlockRecv: case V1GoBlockSelect: case V1GoBlockSync:
    case V1GoBlockCond: case V1GoBlockNet: case V1GoSleep: case V1GoSysBlock: case V1GoBlockGC:
      set(evG(e), NOSEQ, G_RUNNING, NOSEQ, G_WAITING);
      return;
    case V1GoSched: case V1GoPreempt: set(evG(e), NOSEQ, G_RUNNING, NOSEQ, G_RUNNABLE); return;
    case V1GoUnblock: case V1GoSysExit: {
      const s = evArg(e, 1);
      set(evArg(e, 0), s, G_WAITING, s + 1, G_RUNNABLE);
      return;
    }
    case V1GoUnblockLocal: case V1GoSysExitLocal: set(evArg(e, 0), NOSEQ, G_WAITING, SEQINC, G_RUNNABLE); return;
    case V1GCStart: {
      const s = evArg(e, 0);
      set(GARBAGE, s, G_DEAD, s + 1, G_DEAD);
      return;
    }
  }
  tG = UNORDERED;
}

// stateOf returns the address of goroutine `g`'s state, or 0 where it has none (dead, seq 0).
@inline function stateOf(g: u64): usize {
  const i = gIndex.get(g, U32.MAX_VALUE);
  return i == U32.MAX_VALUE ? 0 : gStates.ptr + (<usize>i << 4);
}

// ready reports whether the last transition may happen now.
function ready(): bool {
  if (tG == UNORDERED) return true;
  const s = stateOf(tG);
  const seq: u64 = s ? load<u64>(s) : 0, st: u32 = s ? load<u32>(s, 8) : G_DEAD;
  return (initSeq == NOSEQ || initSeq == seq) && initStatus == st;
}

// transition applies the last transition; false where it may not happen.
function transition(): bool {
  if (tG == UNORDERED) return true;
  if (!ready()) return false;
  let s = stateOf(tG);
  const cur: u64 = s ? load<u64>(s) : 0;
  if (!s) {
    gIndex.set(tG, <u32>(gStates.len >> 4));
    s = gStates.grow(16);
  }
  store<u64>(s, nextSeq == NOSEQ ? cur : nextSeq == SEQINC ? cur + 1 : nextSeq);
  store<u64>(s, <u64>nextStatus, 8);
  return true;
}

// ---- Procs and the frontier ----

// A proc of the merge: the events of its current batch, how far it is.
class Proc {
  pi: u32 = 0; // index of its P in parser.ts's per-P lists
  buf: Vec = new Vec();
  head: u32 = 0;
  done: bool = false;
  pos: i32 = 0; // where it is among the available procs
  cand: bool = false; // whether it is to be examined: new there, or woken
  @inline count(): u32 { return <u32>(this.buf.len / EV_SIZE); }
  @inline at(i: u32): usize { return this.buf.ptr + <usize>i * EV_SIZE; }
}

const procs = new Array<Proc>();
let nProcs: i32 = 0;
// Available procs (indices into procs), in Go's order: those not in the
// frontier, waiting ones included. The frontier: a min-heap of (time, proc)
// pairs, each proc's event being at its head - 1.
const avail = new Vec();
let nAvail: i32 = 0;
const toExamine = new Vec(); // the available procs to examine: a min-heap of (position << 32 | proc)
let nExamine: i32 = 0;
const heap_ = new Vec();
let nHeap: i32 = 0;

// addProc readies the next Proc for P index `pi`.
function addProc(pi: u32): Proc {
  if (nProcs == procs.length) procs.push(new Proc());
  const p = procs[nProcs++];
  p.pi = pi; p.buf.reset(); p.head = 0; p.done = false; p.cand = false;
  return p;
}

@inline function availAt(i: i32): i32 { return load<i32>(avail.ptr + (<usize>i << 2)); }
@inline function availSet(i: i32, v: i32): void {
  store<i32>(avail.ptr + (<usize>i << 2), v);
  procs[v].pos = i;
}

// removeAvail swaps available proc `i` with the last one and drops it, as Go does.
@inline function removeAvail(i: i32): void {
  availSet(i, availAt(nAvail - 1));
  nAvail--;
}

/** order merges every P's batches into `events`, which must come out in
 * time order. It returns 1, or ERROR. */
export function order(): i32 {
  nProcs = 0;
  const n = pidCount();
  for (let i: u32 = 0; i < n; i++) addProc(i);
  const prof = addProc(pidSlot(PROFILE_P));
  sortSamples(cpuSamples);
  prof.buf.append(cpuSamples.ptr, cpuSamples.len);
  avail.reset(); nAvail = 0; nExamine = 0;
  for (let i = 0; i < nProcs; i++) pushAvail(i);
  nHeap = 0;
  waitHeads.clear(); waitNodes.reset(); freeNode = 0;
  while (true) {
    if (fillFrontier() < 0) return ERROR;
    if (nHeap == 0) {
      for (let i = 0; i < nProcs; i++) if (!procs[i].done) return fail(E_OLD_NO_ORDER, 0, 0);
      break;
    }
    const pi = heapPop();
    const p = procs[pi];
    const next = p.at(p.head - 1);
    const e = growEvent(events, <u64>load<u32>(next, EV_BOFF));
    if (e == 0) return ERROR;
    copyEvent(e, next);
    stateTransition(e);
    const t = evType(e);
    if (t == V1GoStartLocal) store<u8>(e, <u8>V1GoStart, EV_TYPE);
    else if (t == V1GoUnblockLocal) store<u8>(e, <u8>V1GoUnblock, EV_TYPE);
    else if (t == V1GoSysExitLocal) store<u8>(e, <u8>V1GoSysExit, EV_TYPE);
    if (!transition()) return fail(E_OLD_BAD_TRANSITION, <u64>load<u32>(e, EV_BOFF), 0);
    pushAvail(pi);
    if (tG != UNORDERED) {
      wake(waitKey(tG, nextSeqOf(tG), nextStatus));
      wake(waitKey(tG, NOSEQ, nextStatus));
    }
  }
  return isSorted(events) ? 1 : fail(E_OLD_TIME_ORDER, 0, 0);
}

// fillFrontier moves the next event of every available proc whose
// transition is ready into the frontier, loading batches as procs run dry.
// Go looks at them in order; where it takes one, the last takes its place and
// is looked at next. That order of pushes decides between equal times. Only
// procs new there or woken can be ready (the others wait for a state that has
// not come), so only those are looked at, in Go's order.
function fillFrontier(): i32 {
  while (nExamine > 0) {
    const top = examPop(), i = <i32>(top >> 32), pi = <i32>(top & 0xFFFFFFFF);
    if (!procs[pi].cand || i >= nAvail || availAt(i) != pi) continue; // examined since, where it was moved to
    for (let r = examine(i); r != 0; r = examine(i)) { // where one left, the last took its place
      if (r < 0) return ERROR;
      if (i >= nAvail || !procs[availAt(i)].cand) break;
    }
  }
  return 1;
}

// examine looks at available proc `i`: where its next event is ready, it
// moves to the frontier, and where it has none left, it is done; both leave
// the list (1). Otherwise it waits (0). It returns ERROR where a batch is bad.
function examine(i: i32): i32 {
  const pi = availAt(i);
  const p = procs[pi];
  p.cand = false;
  while (p.head >= p.count()) {
    p.buf.reset();
    p.head = 0;
    const r = loadBatch(p.pi, p.buf);
    if (r < 0) return ERROR;
    if (r == 0) {
      p.done = true;
      removeAvail(i);
      return 1;
    }
  }
  const e = p.at(p.head);
  stateTransition(e);
  if (!ready()) {
    park(pi);
    return 0;
  }
  removeAvail(i);
  p.head++;
  heapPush(evTs(e), pi);
  return 1;
}

// candidate marks available proc `pi` to be examined.
function candidate(pi: i32): void {
  const p = procs[pi];
  if (p.cand) return;
  p.cand = true;
  examPush((<u64>p.pos << 32) | <u64>pi);
}

// ---- Procs waiting for a goroutine's state ----
//
// Go checks every available proc against the goroutine states before each
// event it takes: quadratic on a trace with many procs that wait. Here a proc
// whose event is not ready stays in its place but waits under the state it
// needs (goroutine, sequence number or NOSEQ, status), to be examined again
// once its goroutine enters that state: the same procs become ready at the
// same points as in Go.

// Waiting procs: (u32 proc, u32 next node + 1) nodes, in lists by state key.
const waitHeads = new U64Map();
const waitNodes = new Vec();
let freeNode: u32 = 0; // free nodes, a list through `next` (index + 1; 0 = none)

// waitKey mixes a goroutine, a sequence number and a status into one key.
@inline function waitKey(g: u64, seq: u64, status: u32): u64 {
  let h = g * 0x9E3779B97F4A7C15;
  h ^= (seq + 0x632BE59BD9B4E019) * 0xC2B2AE3D27D4EB4F;
  h ^= <u64>(status + 1) * 0x165667B19E3779F9;
  return h ^ (h >> 31);
}

// nextSeqOf returns the sequence number goroutine `g` has now.
@inline function nextSeqOf(g: u64): u64 {
  const s = stateOf(g);
  return s ? load<u64>(s) : 0;
}

// pushAvail appends proc `pi` to the available procs, to be examined.
function pushAvail(pi: i32): void {
  if (<usize>nAvail << 2 >= avail.len) avail.grow(4);
  availSet(nAvail++, pi);
  candidate(pi);
}

// park makes proc `pi` wait for the state its event (the last transition) needs.
function park(pi: i32): void {
  const key = waitKey(tG, initSeq, initStatus);
  let node = freeNode;
  if (node != 0) freeNode = load<u32>(waitNodes.ptr + (<usize>(node - 1) << 3), 4);
  else { waitNodes.grow(8); node = <u32>(waitNodes.len >> 3); }
  const at = waitNodes.ptr + (<usize>(node - 1) << 3);
  store<u32>(at, <u32>pi);
  store<u32>(at, waitHeads.get(key, 0), 4);
  waitHeads.set(key, node);
}

// wake marks the procs waiting under `key` to be examined again, where they
// are. (A proc that a collision of keys woke too early is examined, found not
// ready, and waits again.)
function wake(key: u64): void {
  let node = waitHeads.get(key, 0);
  if (node == 0) return;
  waitHeads.delete(key);
  while (node != 0) {
    const at = waitNodes.ptr + (<usize>(node - 1) << 3);
    candidate(<i32>load<u32>(at));
    const next = load<u32>(at, 4);
    store<u32>(at, freeNode, 4);
    freeNode = node;
    node = next;
  }
}

// ---- The min-heap of procs to examine, by position ----

@inline function exAt(i: i32): u64 { return load<u64>(toExamine.ptr + (<usize>i << 3)); }
@inline function exSet(i: i32, v: u64): void { store<u64>(toExamine.ptr + (<usize>i << 3), v); }

// examPush adds `v` (position << 32 | proc) to the procs to examine.
function examPush(v: u64): void {
  if (<usize>(nExamine + 1) << 3 > toExamine.len) toExamine.grow(8);
  let j = nExamine++;
  while (j > 0) {
    const i = (j - 1) >> 1;
    if (exAt(i) <= v) break;
    exSet(j, exAt(i));
    j = i;
  }
  exSet(j, v);
}

// examPop takes the proc to examine at the lowest position.
function examPop(): u64 {
  const top = exAt(0), v = exAt(--nExamine);
  let i = 0;
  while (true) {
    let j = 2 * i + 1;
    if (j >= nExamine) break;
    if (j + 1 < nExamine && exAt(j + 1) < exAt(j)) j++;
    if (v <= exAt(j)) break;
    exSet(i, exAt(j));
    i = j;
  }
  if (nExamine > 0) exSet(i, v);
  return top;
}

// ---- The frontier's min-heap of (time, proc) ----

@inline function hTs(i: i32): i64 { return load<i64>(heap_.ptr + (<usize>i << 4)); }
@inline function swap(i: i32, j: i32): void {
  const a = heap_.ptr + (<usize>i << 4), b = heap_.ptr + (<usize>j << 4);
  const t0 = load<u64>(a), t1 = load<u64>(a, 8);
  store<u64>(a, load<u64>(b)); store<u64>(a, load<u64>(b, 8), 8);
  store<u64>(b, t0); store<u64>(b, t1, 8);
}

function heapPush(ts: i64, pi: i32): void {
  if (<usize>(nHeap + 1) << 4 > heap_.len) heap_.grow(16);
  const a = heap_.ptr + (<usize>nHeap << 4);
  store<i64>(a, ts);
  store<u64>(a, <u64>pi, 8);
  let j = nHeap++;
  while (j > 0) {
    const i = (j - 1) >> 1;
    if (!(hTs(j) < hTs(i))) break;
    swap(i, j);
    j = i;
  }
}

function heapPop(): i32 {
  const top = <i32>load<u64>(heap_.ptr, 8);
  nHeap--;
  swap(0, nHeap);
  let i = 0;
  while (true) {
    const l = 2 * i + 1;
    if (l >= nHeap) break;
    let j = l;
    if (l + 1 < nHeap && hTs(l + 1) < hTs(l)) j = l + 1;
    if (!(hTs(j) < hTs(i))) break;
    swap(i, j);
    i = j;
  }
  return top;
}

/** resetOrder forgets the ordering's state, for a new trace. */
export function resetOrder(): void {
  events.reset();
  gIndex.clear();
  gStates.reset();
  nProcs = 0; nAvail = 0; nHeap = 0; nExamine = 0;
  waitHeads.clear(); waitNodes.reset(); freeNode = 0;
}
