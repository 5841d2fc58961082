// An old-format event as the old parser, the ordering and the conversion hold
// it: Go's tracev1.Event (time, G, four arguments, stack, P, type) plus the
// offset of its batch, 64 bytes in linear memory. An old trace's events are
// all held at once, as Go holds them: the old format has no generations, so
// no event can be handed on before the whole trace has been ordered.

import { Vec } from '../mem';
import { fail } from '../errors';
import { E_TOO_LARGE } from '../error-codes';

// The layout is format/abi.mjs's v1Event: TypeScript reads it to print an
// error's old event.
export { EV_SIZE, EV_TS, EV_G, EV_ARGS, EV_STK, EV_P, EV_BOFF, EV_TYPE, EV_BLOCKED } from '../abi';
import { EV_SIZE, EV_TS, EV_G, EV_ARGS, EV_STK, EV_P, EV_BOFF, EV_TYPE } from '../abi';

/** Fake Ps that Go's old parser moves events to. */
export const TIMER_P: i32 = 1000001;
export const NETPOLL_P: i32 = 1000002;
export const SYSCALL_P: i32 = 1000003;
export const GC_P: i32 = 1000004;
export const PROFILE_P: i32 = 1000005;

/** setOldEvent fills event `e` with everything but its arguments, which it zeroes. */
@inline export function setOldEvent(e: usize, typ: u32, ts: i64, p: i32, g: u64, stk: u32): void {
  store<i64>(e, ts, EV_TS);
  store<u64>(e, g, EV_G);
  // Plain stores: a bulk-memory call per event costs more than the event.
  store<u64>(e, 0, EV_ARGS); store<u64>(e, 0, EV_ARGS + 8);
  store<u64>(e, 0, EV_ARGS + 16); store<u64>(e, 0, EV_ARGS + 24);
  store<u32>(e, stk, EV_STK);
  store<i32>(e, p, EV_P);
  store<u32>(e, 0, EV_BOFF);
  store<u32>(e, typ, EV_TYPE); // the type byte and three zero bytes
}

@inline export function evType(e: usize): u32 { return load<u8>(e, EV_TYPE); }
@inline export function evTs(e: usize): i64 { return load<i64>(e, EV_TS); }
@inline export function evG(e: usize): u64 { return load<u64>(e, EV_G); }
@inline export function evP(e: usize): i32 { return load<i32>(e, EV_P); }
@inline export function evStk(e: usize): u32 { return load<u32>(e, EV_STK); }
@inline export function evArg(e: usize, i: usize): u64 { return load<u64>(e + EV_ARGS + (i << 3)); }

// The most bytes of events an old trace may hold (512 MiB): they are all
// held at once, in one buffer, with the trace's bytes and tables besides.
const MAX_EVENT_BYTES: usize = 1 << 29;

/** MAX_EVENTS is the most events an old trace may hold (8,388,608). */
export const MAX_EVENTS: usize = MAX_EVENT_BYTES / EV_SIZE;

/** growEvent appends room for one event to `v` and returns its address; or,
 * where `v` would pass the core's largest buffer, it records the core's
 * "trace too large" error at stream offset `at` (the event's batch) and
 * returns 0. Checking here, not in Vec.reserve (which would trap), ends the
 * reading as any other error ends it, at an offset that says where. */
export function growEvent(v: Vec, at: u64): usize {
  if (v.len + EV_SIZE > MAX_EVENT_BYTES) {
    fail(E_TOO_LARGE, at, 0, <u64>(v.len + EV_SIZE), <u64>MAX_EVENT_BYTES);
    return 0;
  }
  return v.grow(EV_SIZE);
}

/** copyEvent copies event `src` to `dst`, with plain loads and stores: a
 * bulk-memory call per event costs more than the copy. */
@inline export function copyEvent(dst: usize, src: usize): void {
  for (let i: usize = 0; i < EV_SIZE; i += 8) store<u64>(dst + i, load<u64>(src + i));
}
