// One generation of the trace (Go's generation.go): its batches, grouped by
// thread; its tables (tables.ts); its CPU samples; its sync data (frequency,
// clock snapshot); its experimental batches. A generation is read whole before
// any of its events is delivered, as Go does, but only one is held at a time:
// every structure here is reset and reused for the next. Its batches are not
// copied: they are read where they lie in the input, which holds them in place
// (input.ts holdInput) until the next generation starts being read.
//
// Reading is resumable: readGeneration answers NEED_INPUT whenever the next
// batch is not all there, and carries on where it stopped when called again.

import { Vec, U64Map } from './mem';
import { consume, holdInput, traceVersion } from './input';
import {
  frameBatch, isEndOfGeneration, hold, rdStart, rdLeft, rdByte, rdUvarint, rdVal, batchGen, batchM,
  batchTime, batchExp, batchData, batchLen, batchSize, batchOffset,
} from './batch';
import {
  resetTables, addStrings, addStacks, validateStackStrings, hasString, stringAt, stringLen,
  writeTables, indexTables, blob,
} from './tables';
import { EvStrings, EvStacks, EvCPUSamples, EvCPUSample, EvFrequency, EvSync, EvClockSnapshot, GO125, GO126 } from './format';
import { sortByKey } from './sort';
import {
  TABLES_FLAGS, TABLES_HAS_SNAPSHOT, TABLES_FREQUENCY, TABLES_GENERATION, TABLES_SNAP_TRACE, TABLES_SNAP_MONO, TABLES_SNAP_SEC,
  TABLES_SNAP_NSEC, TABLES_EXPERIMENTALS, TABLES_EXPERIMENTALS_AT, EXPERIMENTAL_SIZE, EXPERIMENTAL_THREAD,
  EXPERIMENTAL_EXPERIMENT, EXPERIMENTAL_DATA_AT, EXPERIMENTAL_LENGTH,
} from './abi';
import { ERROR, NEED_INPUT, END } from './errors';
import {
  E_END_OF_GENERATION_BATCH, E_GENERATION_NUMBER, E_GENERATION_ORDER, E_INCOMPLETE_GENERATION,
  E_MULTIPLE_CLOCK_SNAPSHOTS, E_MULTIPLE_FREQUENCIES, E_NO_CLOCK_SNAPSHOT, E_NO_END_OF_GENERATION,
  E_NO_FREQUENCY, E_SAMPLE_EVENT, E_SYNC_EVENT, E_TABLE_VARINT,
} from './error-codes';

/** genNum is the generation's number from its batches (Go's gen.gen). */
export let genNum: u64 = 0;
/** genOffset is the stream offset of the generation's first batch. */
export let genOffset: u64 = 0;
/** minTs is the earliest base timestamp of the generation's batches. */
export let minTs: u64 = 0;
/** freq is nanoseconds per timestamp unit (Go's frequency); 0 until found. */
export let freq: f64 = 0;
let hasSnapshot = false;
let snapTime: u64 = 0;
let snapMono: u64 = 0;
let snapSec: i64 = 0;
let snapNsec: i64 = 0;

/** spill is whether the first batch of the next generation (Go < 1.26) waits
 * in the input: it is read again as the next generation's first batch. */
export let spill = false;
/** spillErr is whether reading the batch after the generation failed (Go <
 * 1.26): the error is held, to be raised after the generation's events. */
export let spillErr = false;

/** BATCH entries: u64 base time, u64 stream offset, u32 data address (the
 * data of event and experimental batches is not copied but read where it lies
 * in the input, which holdInput() keeps in place until the next generation is
 * read), u32 length, u32 next batch of the same thread (index + 1, 0 at the
 * end), u32 unused. */
export const BATCH: usize = 32;
/** batches lists the generation's event batches, in reading order. */
export const batches = new Vec();
/** THREAD entries: u64 thread ID, u32 first batch, u32 last batch (indices + 1). */
export const THREAD: usize = 16;
/** threads lists the threads with event batches in order of first appearance
 * (Go's batchMs): the order cursors join the heap in, which breaks ties. */
export const threads = new Vec();
// Thread ID to its entry in threads (index + 1).
const threadIds = new U64Map();

/** SAMPLE entries: i64 time, i64 thread, i64 proc, i64 goroutine, u64 stack,
 * u64 stream offset of its batch. */
export const SAMPLE: usize = 48;
/** samples holds the CPU samples in reading order. */
export const samples = new Vec();
/** sampleOrder holds (time, index) pairs, sorted by time as Go sorts samples. */
export const sampleOrder = new Vec();

// Experimental batches: EXPERIMENTAL entries (format/abi.mjs), whose data
// field holds the data's address until the blob is built.
const EXP: usize = EXPERIMENTAL_SIZE;
const exps = new Vec();

// Whether a generation is being read (reading resumes where it stopped).
let reading = false;

/** foundPtr holds the bytes of the string lookupString last found. */
export let foundPtr: usize = 0;
/** foundLen holds the length of the string lookupString last found. */
export let foundLen: u32 = 0;

/** lookupString finds string `id` of the current generation, as Go's
 * evTable.strings.get does: ID 0 is always present and empty. On true,
 * foundPtr and foundLen hold the bytes. */
export function lookupString(id: u64): bool {
  foundPtr = 0;
  foundLen = 0;
  if (id == 0) return true;
  if (!hasString(id)) return false;
  foundPtr = stringAt(id);
  foundLen = stringLen;
  return true;
}

/** mulFreq converts a timestamp to nanoseconds as Go's frequency.mul does on
 * amd64: uint64 to float64 rounding to nearest, then truncation to int64,
 * where NaN and values out of range give the minimum int64. */
@inline export function mulFreq(t: u64, f: f64): i64 {
  const x = <f64>t * f;
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) return i64.MIN_VALUE;
  return <i64>x;
}

function beginGeneration(): void {
  genNum = 0; genOffset = 0; minTs = 0; freq = 0;
  hasSnapshot = false; snapTime = 0; snapMono = 0; snapSec = 0; snapNsec = 0;
  spill = false; spillErr = false;
  batches.reset(); threads.reset(); threadIds.clear();
  samples.reset(); sampleOrder.reset(); exps.reset();
  resetTables();
}

/** resetGeneration forgets everything, for a new trace. */
export function resetGeneration(): void {
  beginGeneration();
  reading = false;
}

/** readGeneration reads the next generation, as Go's readGeneration (1.26
 * format) or readGenerationWithSpill (older formats) does. It returns 1 when
 * the generation is ready, NEED_INPUT, END where the input ended cleanly
 * before any event batch (1.26 format only), or ERROR after holding the error
 * (then no generation is ready). With 1 in an older format, `spill` and
 * `spillErr` say what follows the generation. */
export function readGeneration(): i32 {
  if (!reading) { beginGeneration(); holdInput(); reading = true; }
  const v26 = traceVersion >= GO126;
  while (true) {
    const st = frameBatch(genNum);
    if (st == NEED_INPUT) return NEED_INPUT;
    if (genOffset == 0) genOffset = batchOffset;
    if (v26) {
      if (st == END) {
        reading = false;
        return threads.len != 0 ? hold(E_INCOMPLETE_GENERATION, batchOffset, genNum) : END;
      }
      if (st == ERROR) { reading = false; return ERROR; }
      if (genNum == 0) genNum = batchGen;
      if (isEndOfGeneration()) { consume(batchSize); break; }
      if (batchGen == 0) return stop(hold(E_GENERATION_NUMBER, batchOffset, genNum, 0));
      if (batchGen != genNum) return stop(hold(E_NO_END_OF_GENERATION, batchOffset, genNum));
    } else {
      if (st == END) break;
      if (st == ERROR) {
        if (genNum == 0) { reading = false; return ERROR; }
        spillErr = true;
        break;
      }
      if (batchGen == 0) return stop(hold(E_GENERATION_NUMBER, batchOffset, genNum, 0));
      if (genNum == 0) genNum = batchGen;
      if (batchGen == genNum + 1) { spill = true; break; }
      if (batchGen != genNum) return stop(hold(E_GENERATION_ORDER, batchOffset, genNum));
    }
    if (minTs == 0 || batchTime < minTs) minTs = batchTime;
    if (processBatch() == ERROR) return stop(ERROR);
    consume(batchSize);
  }
  reading = false;
  return finishGeneration();
}

@inline function stop(st: i32): i32 { reading = false; return st; }

// finishGeneration checks what Go checks once a generation is read, then
// converts and sorts the CPU samples.
function finishGeneration(): i32 {
  if (freq == 0) { spillErr = false; return hold(E_NO_FREQUENCY, genOffset, genNum); }
  if (traceVersion >= GO125 && !hasSnapshot) { spillErr = false; return hold(E_NO_CLOCK_SNAPSHOT, genOffset, genNum); }
  if (validateStackStrings(genOffset, genNum) == ERROR) { spillErr = false; return ERROR; }
  indexTables();
  const n = samples.len / SAMPLE;
  const order = sampleOrder.grow(n << 4);
  for (let i: usize = 0; i < n; i++) {
    const s = samples.ptr + i * SAMPLE;
    const t = mulFreq(load<u64>(s), freq);
    store<i64>(s, t);
    store<i64>(order + (i << 4), t);
    store<u64>(order + (i << 4), <u64>i, 8);
  }
  sortByKey(order, <i32>n);
  return 1;
}

// processBatch files the framed batch by kind, as Go's processBatch does.
function processBatch(): i32 {
  const first: u32 = batchLen > 0 ? load<u8>(batchData) : 0;
  const plain = batchExp == 0 && batchLen > 0;
  if (plain && first == EvStrings) return addStrings(batchData, batchLen, batchOffset, genNum);
  if (plain && first == EvStacks) return addStacks(batchData, batchLen, batchOffset, genNum);
  if (plain && first == EvCPUSamples) return addSamples();
  const syncByte: u32 = traceVersion >= GO125 ? EvSync : EvFrequency;
  if (plain && first == syncByte) return setSync();
  if (batchExp != 0) {
    const e = exps.grow(EXP);
    store<u64>(e, batchM, EXPERIMENTAL_THREAD);
    store<u32>(e, batchExp, EXPERIMENTAL_EXPERIMENT);
    store<u32>(e, <u32>batchData, EXPERIMENTAL_DATA_AT);
    store<u32>(e, batchLen, EXPERIMENTAL_LENGTH);
    return 1;
  }
  if (isEndOfGeneration()) return hold(E_END_OF_GENERATION_BATCH, batchOffset, genNum);
  addEventBatch();
  return 1;
}


// addEventBatch appends an event batch, left where it lies in the input, to
// its thread's list.
function addEventBatch(): void {
  const index = <u32>(batches.len / BATCH) + 1;
  const b = batches.grow(BATCH);
  store<u64>(b, batchTime);
  store<u64>(b, batchOffset, 8);
  store<u32>(b, <u32>batchData, 16);
  store<u32>(b, batchLen, 20);
  store<u32>(b, 0, 24);
  const t = threadIds.get(batchM, 0);
  if (t == 0) {
    threadIds.set(batchM, <u32>(threads.len / THREAD) + 1);
    const e = threads.grow(THREAD);
    store<u64>(e, batchM);
    store<u32>(e, index, 8);
    store<u32>(e, index, 12);
    return;
  }
  const e = threads.ptr + <usize>(t - 1) * THREAD;
  store<u32>(batches.ptr + <usize>(load<u32>(e, 12) - 1) * BATCH, index, 24);
  store<u32>(e, index, 12);
}

// addSamples reads a CPU samples batch, as Go's addCPUSamples does; times
// stay raw timestamps until the generation's frequency is known.
function addSamples(): i32 {
  rdStart(batchData + 1, batchLen - 1);
  while (rdLeft() != 0) {
    const ev = rdByte();
    if (ev != EvCPUSample) return hold(E_SAMPLE_EVENT, batchOffset, genNum, ev);
    const s = samples.grow(SAMPLE);
    for (let i: usize = 0; i < 5; i++) {
      const err = rdUvarint();
      if (err) return hold(E_TABLE_VARINT, batchOffset, genNum, err);
      store<u64>(s + (i << 3), rdVal);
    }
    // A goroutine of 0 means none.
    if (load<u64>(s, 24) == 0) store<i64>(s, -1, 24);
    store<u64>(s, batchOffset, 40);
  }
  return 1;
}

// setSync reads a sync batch (a lone Frequency event before Go 1.25), as
// Go's setSyncBatch does.
function setSync(): i32 {
  const v25 = traceVersion >= GO125;
  rdStart(batchData + (v25 ? 1 : 0), batchLen - (v25 ? 1 : 0));
  let lastTs = batchTime;
  while (rdLeft() != 0) {
    const ev = rdByte();
    if (ev == EvFrequency) {
      if (freq != 0) return hold(E_MULTIPLE_FREQUENCIES, batchOffset, genNum);
      const err = rdUvarint();
      if (err) return hold(E_TABLE_VARINT, batchOffset, genNum, err);
      freq = 1.0 / (<f64>rdVal / 1e9);
    } else if (ev == EvClockSnapshot && v25) {
      if (hasSnapshot) return hold(E_MULTIPLE_CLOCK_SNAPSHOTS, batchOffset, genNum);
      hasSnapshot = true;
      for (let i = 0; i < 4; i++) {
        const err = rdUvarint();
        if (err) return hold(E_TABLE_VARINT, batchOffset, genNum, err);
        if (i == 0) { lastTs += rdVal; snapTime = lastTs; }
        else if (i == 1) snapMono = rdVal;
        else if (i == 2) snapSec = <i64>rdVal;
        else snapNsec = <i64>rdVal;
      }
    } else {
      return hold(E_SYNC_EVENT, batchOffset, genNum, ev);
    }
  }
  return 1;
}

/** buildTablesBlob writes the generation's tables blob (assembly/README.md),
 * the clock snapshot and experimental batches included. */
export function buildTablesBlob(): void {
  writeTables();
  // Wall time as Go's time.Unix normalises it.
  let sec = snapSec, nsec = snapNsec;
  if (nsec < 0 || nsec >= 1000000000) {
    const q = nsec / 1000000000;
    sec += q;
    nsec -= q * 1000000000;
    if (nsec < 0) { nsec += 1000000000; sec--; }
  }
  let h = blob.ptr;
  store<u32>(h, load<u32>(h, TABLES_FLAGS) | (hasSnapshot ? <u32>TABLES_HAS_SNAPSHOT : 0), TABLES_FLAGS);
  store<f64>(h, freq, TABLES_FREQUENCY);
  store<u64>(h, genNum, TABLES_GENERATION);
  store<i64>(h, mulFreq(snapTime, freq), TABLES_SNAP_TRACE);
  store<u64>(h, snapMono, TABLES_SNAP_MONO);
  store<i64>(h, sec, TABLES_SNAP_SEC);
  store<i64>(h, nsec, TABLES_SNAP_NSEC);
  // Experimental batches: their entries, then their data.
  const n = exps.len / EXP;
  const offExp = (blob.len + 7) & ~7;
  blob.grow(offExp - blob.len);
  blob.append(exps.ptr, exps.len);
  for (let i: usize = 0; i < n; i++) {
    const at = blob.len;
    const e = exps.ptr + i * EXP;
    blob.append(<usize>load<u32>(e, EXPERIMENTAL_DATA_AT), <usize>load<u32>(e, EXPERIMENTAL_LENGTH));
    store<u32>(blob.ptr + offExp + i * EXP, <u32>at, EXPERIMENTAL_DATA_AT);
  }
  h = blob.ptr;
  store<u32>(h, <u32>n, TABLES_EXPERIMENTALS);
  store<u32>(h, <u32>offExp, TABLES_EXPERIMENTALS_AT);
}
