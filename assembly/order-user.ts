// Ordering of user annotations (Go's advanceUserTaskBegin, advanceUserTaskEnd,
// advanceUserRegionBegin, advanceUserRegionEnd and advanceAnnotation) and of
// the other events that only need the right context (heap metrics, the
// AllocFree experiment). Tasks may end in a later generation than they began,
// whose string table lacks their name, so active tasks keep their interned
// name; regions are compared by task and name, names by content.

import { Table, goroutines, R_REGIONS, evArg, setEvArg, evType, curG, failEvent,
  validateCtx, validateUserGo, MUST, MAY, pushEvent, pushEventHere, ERROR,
  goAt } from './order-state';
import { listPush, listPop, listTop, listLen, listMoveNames } from './order-lists';
import { lookupString, foundPtr, foundLen } from './generation';
import { intern, compactBegin, compactMove, compactEnd } from './names';
import { recordSerial } from './queue';
import {
  E_BAD_STRING_ID, E_REGION_BEGIN_UNKNOWN_GOROUTINE, E_REGION_END_UNKNOWN_GOROUTINE, E_REGION_MISUSE,
  E_TASK_CONFLICT,
} from './error-codes';

/** NO_TASK is Go's NoTask; BACKGROUND_TASK (0) is the task of everything else. */
const NO_TASK: u64 = u64.MAX_VALUE;

/** tasks are Go's activeTasks: ID, then the parent task ID and the interned name. */
const tasks = new Table(24);
const K_PARENT: usize = 8; // the first 8 bytes after the ID double as the free-list link
const K_NAME: usize = 16;

// Where the `{Nregion}` placeholders of an error find the two regions
// (u64 task ID, u32 offset of the name in the names arena, u32 pad).
const regions = memory.data(32, 8);

// The names internName found, by the low bits of the string ID: u64 ID, u32
// the generation serial they belong to (recordSerial; 0 = none: a string ID
// names another string in another generation), u32 the interned name. Regions
// and tasks name the same few strings again and again, and a hit saves the
// lookup of the string and the hashing of its bytes. The names arena moves
// its names only at the first event of a generation (compactNames), before
// any of that generation's entries is made, so an entry of the current
// serial is always good.
const NAME_CACHE_ENTRIES: usize = 256;
const NAME_CACHE_ENTRY: usize = 16;
const nameCache = heap.alloc(NAME_CACHE_ENTRIES * NAME_CACHE_ENTRY);
memory.fill(nameCache, 0, NAME_CACHE_ENTRIES * NAME_CACHE_ENTRY);

/** resetUser forgets every task and cached name, for a new trace (whose
 * serials start again from 1). */
export function resetUser(): void {
  tasks.reset();
  memory.fill(nameCache, 0, NAME_CACHE_ENTRIES * NAME_CACHE_ENTRY);
}

/** compactNames compacts the names arena where it has grown enough, moving
 * the names that active tasks and region stacks hold. It must run when no
 * record that names an offset in the arena is waiting to be read. */
export function compactNames(): void {
  if (!compactBegin()) return;
  for (let t: i32 = 0; t < <i32>tasks.count; t++) {
    if (!tasks.live(t)) continue;
    const r = tasks.at(t);
    store<u32>(r, compactMove(load<u32>(r, K_NAME)), K_NAME);
  }
  for (let g: i32 = 0; g < <i32>goroutines.count; g++) {
    if (goroutines.live(g)) listMoveNames(goAt(g) + R_REGIONS);
  }
  compactEnd();
}

// internName interns string `id` of the generation, or fails as Go does where
// the generation has no such string; -1 after failing.
function internName(id: u64): i64 {
  const e = nameCache + (<usize>id & (NAME_CACHE_ENTRIES - 1)) * NAME_CACHE_ENTRY;
  if (load<u64>(e) == id && load<u32>(e, 8) == recordSerial) return <i64>load<u32>(e, 12);
  if (!lookupString(id)) {
    failEvent(E_BAD_STRING_ID, id, evType());
    return -1;
  }
  const name = intern(foundPtr, foundLen);
  store<u64>(e, id);
  store<u32>(e, recordSerial, 8);
  store<u32>(e, name, 12);
  return <i64>name;
}

/** advanceUserTaskBegin handles UserTaskBegin. Task IDs may be reused, so only
 * a task beginning while it is active is wrong. A parent of 0 (the background
 * task) means no parent: args[1] becomes NoTask. */
export function advanceUserTaskBegin(): i32 {
  const id = evArg(0);
  if (tasks.find(id) >= 0) return failEvent(E_TASK_CONFLICT, id);
  let parent = evArg(1);
  if (parent == 0) {
    parent = NO_TASK;
    setEvArg(1, NO_TASK);
  }
  const name = internName(evArg(2));
  if (name < 0) return ERROR;
  const r = tasks.at(tasks.add(id));
  store<u64>(r, parent, K_PARENT);
  store<u32>(r, <u32>name, K_NAME);
  if (validateUserGo() != 0) return ERROR;
  pushEventHere();
  return 1;
}

/** advanceUserTaskEnd handles UserTaskEnd, which may come for a task never
 * seen to begin, and more than once. args[2] receives the parent task ID and
 * args[3] the name's offset in the names arena. */
export function advanceUserTaskEnd(): i32 {
  const id = evArg(0);
  const slot = tasks.find(id);
  if (slot >= 0) {
    const r = tasks.at(slot);
    setEvArg(2, load<u64>(r, K_PARENT));
    setEvArg(3, <u64>load<u32>(r, K_NAME));
    tasks.remove(slot);
  } else {
    setEvArg(2, NO_TASK);
    setEvArg(3, 0);
  }
  if (validateUserGo() != 0) return ERROR;
  pushEventHere();
  return 1;
}

// The interned name of the region regionStack found.
let regionName: u64 = 0;

// regionStack checks what a region's begin and end need (the context, the
// name, the goroutine's state) and returns the address of the goroutine's
// region stack, leaving the interned name in regionName; 0 after failing.
function regionStack(unknownCode: u32): usize {
  if (validateUserGo() != 0) return 0;
  const name = internName(evArg(1));
  if (name < 0) return 0;
  regionName = <u64>name;
  const g = goroutines.find(curG);
  if (g < 0) {
    failEvent(unknownCode, curG);
    return 0;
  }
  return goAt(g) + R_REGIONS;
}

/** advanceUserRegionBegin handles UserRegionBegin on the running goroutine. */
export function advanceUserRegionBegin(): i32 {
  const l = regionStack(E_REGION_BEGIN_UNKNOWN_GOROUTINE);
  if (l == 0) return ERROR;
  listPush(l, evArg(0), regionName);
  pushEventHere();
  return 1;
}

/** advanceUserRegionEnd handles UserRegionEnd: it must end the innermost
 * region, unless the goroutine has none (it may have begun before the trace). */
export function advanceUserRegionEnd(): i32 {
  const l = regionStack(E_REGION_END_UNKNOWN_GOROUTINE);
  if (l == 0) return ERROR;
  const task = evArg(0);
  if (listLen(l) != 0) {
    const top = listTop(l);
    if (load<u64>(top) != task || load<u64>(top, 8) != regionName) {
      store<u64>(regions, task);
      store<u64>(regions, regionName, 8);
      store<u64>(regions, load<u64>(top), 16);
      store<u64>(regions, load<u64>(top, 8), 24);
      return failEvent(E_REGION_MISUSE, curG, regions, regions + 16);
    }
    listPop(l);
  }
  pushEventHere();
  return 1;
}

/** advanceAnnotation handles events that need a running goroutine and nothing
 * else: ProcsChange, GoLabel, UserLog. */
export function advanceAnnotation(): i32 {
  if (validateUserGo() != 0) return ERROR;
  pushEventHere();
  return 1;
}

/** advanceHeapMetric handles HeapAlloc and HeapGoal, which need a proc. */
@inline export function advanceHeapMetric(): i32 {
  if (validateCtx(MUST, MUST, MAY) != 0) return ERROR;
  pushEventHere();
  return 1;
}

/** advanceAllocFree handles the events of the AllocFree experiment, which
 * need only a thread. */
export function advanceAllocFree(): i32 {
  if (validateCtx(MUST, MAY, MAY) != 0) return ERROR;
  pushEvent();
  return 1;
}
