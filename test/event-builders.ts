// Builders of the core's event records and tables blobs (assembly/README.md),
// for testing typed events without the core.
import { type Event, eventFromRecord } from '../src/event';
import { Tables } from '../src/tables';

/** RecordFields are the fields of one 80-byte event record. */
export interface RecordFields {
  /** type is the wire event type (0xFF: Sync, 7: CPU sample). */
  type: number;
  /** flags: bit 0 NEW_TABLES (a Sync that starts a generation). */
  flags?: number;
  /** gen is the generation serial, counted from 1 in reading order. */
  gen?: number;
  /** time is the event's time in nanoseconds (i64). */
  time: bigint | number;
  /** g, p, m are the goroutine, proc and thread (i64; -1 = none). */
  g?: bigint | number;
  p?: bigint | number;
  m?: bigint | number;
  /** args are Go's args after ordering (u64 each), time delta excluded. */
  args?: (bigint | number)[];
  /** offset is the byte offset of the event's batch (u64). */
  offset?: bigint | number;
}

/** record builds an event record as 20 little-endian 32-bit words. */
export function record(f: RecordFields): Uint32Array {
  const b = new DataView(new ArrayBuffer(80));
  b.setUint8(0, f.type);
  b.setUint8(1, f.flags ?? 0);
  b.setUint32(4, f.gen ?? 1, true);
  b.setBigInt64(8, BigInt(f.time), true);
  b.setBigInt64(16, BigInt(f.g ?? -1), true);
  b.setBigInt64(24, BigInt(f.p ?? -1), true);
  b.setBigInt64(32, BigInt(f.m ?? -1), true);
  (f.args ?? []).forEach((a, i) => b.setBigUint64(40 + 8 * i, BigInt.asUintN(64, BigInt(a)), true));
  b.setBigUint64(72, BigInt(f.offset ?? 0), true);
  return new Uint32Array(b.buffer);
}

/** A frame in a blob: pc, function-name string ID, file-name string ID, line. */
export type BlobFrame = [number | bigint, number, number, number];

/** BlobFields describe a tables blob. */
export interface BlobFields {
  strings?: [number | bigint, string | Uint8Array][];
  stacks?: [number | bigint, BlobFrame[]][];
  generation?: number;
  frequency?: number;
  snapshot?: { trace: bigint | number; mono: bigint | number; sec: bigint | number; nsec: bigint | number };
}

/** blob builds a tables blob: header, string entries, stack entries, frames, string bytes. */
export function blob(f: BlobFields): Uint8Array {
  const strings = (f.strings ?? []).map(([id, s]) => [id, typeof s === 'string' ? new TextEncoder().encode(s) : s] as const);
  const stacks = f.stacks ?? [];
  const nFrames = stacks.reduce((n, [, frames]) => n + frames.length, 0);
  const strEntries = 80,
    stackEntries = strEntries + 16 * strings.length,
    frames = stackEntries + 16 * stacks.length;
  const strBytes = frames + 32 * nFrames;
  const total = strBytes + strings.reduce((n, [, s]) => n + s.length, 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  [strings.length, stacks.length, nFrames, strEntries, stackEntries, frames, strBytes, f.snapshot ? 1 : 0].forEach((x, i) => v.setUint32(4 * i, x, true));
  v.setFloat64(32, f.frequency ?? 1, true);
  v.setBigInt64(40, BigInt(f.generation ?? 1), true);
  if (f.snapshot) {
    v.setBigInt64(48, BigInt(f.snapshot.trace), true);
    v.setBigUint64(56, BigInt(f.snapshot.mono), true);
    v.setBigInt64(64, BigInt(f.snapshot.sec), true);
    v.setBigInt64(72, BigInt(f.snapshot.nsec), true);
  }
  let at = 0;
  strings.forEach(([id, s], i) => {
    v.setBigUint64(strEntries + 16 * i, BigInt(id), true);
    v.setUint32(strEntries + 16 * i + 8, at, true);
    v.setUint32(strEntries + 16 * i + 12, s.length, true);
    out.set(s, strBytes + at);
    at += s.length;
  });
  let frame = 0;
  stacks.forEach(([id, fs], i) => {
    v.setBigUint64(stackEntries + 16 * i, BigInt(id), true);
    v.setUint32(stackEntries + 16 * i + 8, frame, true);
    v.setUint32(stackEntries + 16 * i + 12, fs.length, true);
    for (const fr of fs) fr.forEach((x, j) => v.setBigUint64(frames + 32 * frame + 8 * j, BigInt(x), true)), frame++;
  });
  return out;
}

/** names builds a names arena holding `list` (u32 length, then bytes), from offset 1. */
export function names(list: string[]): { arena: Uint8Array; offsets: number[] } {
  const parts = list.map((s) => new TextEncoder().encode(s));
  const arena = new Uint8Array(1 + parts.reduce((n, p) => n + 4 + p.length, 0));
  const offsets: number[] = [];
  let at = 1;
  for (const p of parts) {
    offsets.push(at);
    new DataView(arena.buffer).setUint32(at, p.length, true);
    arena.set(p, at + 4);
    at += 4 + p.length;
  }
  return { arena, offsets };
}

/** event builds the Event of one record against `tables` (or none). */
export function event(f: RecordFields, tables: Tables | null = null, arena: Uint8Array | null = null): Event {
  return eventFromRecord(record(f), 0, tables, arena);
}

/** tables builds the Tables of a blob. */
export function tables(f: BlobFields): Tables {
  return new Tables(blob(f));
}
