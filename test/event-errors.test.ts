// The wording of the core's errors: every placeholder kind of format/errors.mjs,
// filled from numbers and from a made-up core memory, and the TraceError that
// carries the message. Expected words are Go's (its fmt verbs applied by hand
// where no corpus trace shows the message).
import { describe, expect, it } from 'vitest';
import type { CoreErrorInfo } from '../bindings/exports';
import { ERRORS } from '../format/errors.mjs';
import { coreError, formatCoreError, internalError, TraceError } from '../src/errors';

/** info is an error region with code `code` and numbers `args`. */
const info = (code: number, ...args: bigint[]): CoreErrorInfo => ({
  code,
  offset: 41n,
  generation: 1n,
  args: [args[0] ?? 0n, args[1] ?? 0n, args[2] ?? 0n, args[3] ?? 0n],
});

/** codeOf finds the code of the error named `name` in format/errors.mjs. */
const codeOf = (name: string): number => Number(Object.entries(ERRORS).find(([, e]) => e.name === name)![0]);

/** ptr packs an address and a count as the memory placeholders take them. */
const ptr = (at: number, count: number): bigint => (BigInt(count) << 32n) | BigInt(at);

describe('formatCoreError', () => {
  it('prints numbers signed and unsigned, as Go does (fuzz/invalid-proc-state.trace)', () => {
    expect(formatCoreError(info(codeOf('procStatusInvalid'), 0n, 69n))).toBe('invalid status for proc 0: 69');
    expect(formatCoreError(info(codeOf('procStatusInvalid'), 2n ** 64n - 1n, 1n))).toBe('invalid status for proc -1: 1');
  });

  it('names statuses, I/O errors and event types', () => {
    expect(formatCoreError(info(codeOf('procStatusInconsistent'), 3n, 1n, 9n))).toBe('inconsistent status for proc 3: old Running vs. new Bad');
    expect(formatCoreError(info(codeOf('batchGen'), 2n))).toBe('error reading batch gen: unexpected EOF');
    expect(formatCoreError(info(codeOf('rangeNotInFlight'), 27n), 26)).toBe('tried to end event STWEnd, but not in-flight');
    expect(formatCoreError(info(codeOf('rangeNotInFlight'), 200n), 26)).toBe('tried to end event Invalid(200), but not in-flight');
  });

  it("reads strings, stacks, ranges, regions and old events from the core's memory", () => {
    const memory = new Uint8Array(512);
    const dv = new DataView(memory.buffer);
    memory.set(new TextEncoder().encode('abc'), 8);
    memory.set(new TextEncoder().encode('xyz'), 12);
    const ctx = { version: 26, memory, names: 400 };
    expect(formatCoreError(info(codeOf('stringDuplicate'), 7n, ptr(8, 3), ptr(12, 3)), ctx)).toBe(
      'multiple strings with the same ID: id=7, new=abc, existing=xyz',
    );
    dv.setBigUint64(16, 0x4b2db2n, true);
    dv.setBigUint64(24, 0x10n, true);
    expect(formatCoreError(info(codeOf('stackDuplicate'), 5n, ptr(16, 2), ptr(16, 1)), ctx)).toBe(
      'multiple trace.stacks with the same ID: id=5, new=\t0x4b2db2\n\t0x10\n, existing=\t0x4b2db2\n',
    );
    // ranges: u32 count, u32 pad, then (u64 type, u64 string ID) each.
    dv.setUint32(32, 2, true);
    [26n, 5n, 35n, 0n].forEach((x, i) => dv.setBigUint64(40 + 8 * i, x, true));
    expect(formatCoreError(info(codeOf('rangeMissing'), 27n, ptr(32, 0)), ctx)).toBe('resource is missing active range: STWEnd [{26 5} {35 0}]');
    expect(formatCoreError(info(codeOf('rangeActiveFirstGen'), ptr(56, 0)), ctx)).toBe('found named active range already in first gen: {35 0}');
    // regions: u64 task, u32 offset of the name in the names arena (u32 length, bytes).
    dv.setBigUint64(80, 7n, true);
    dv.setUint32(88, 1, true);
    memory.set([9, 0, 0, 0, ...new TextEncoder().encode('my region')], 401);
    dv.setBigUint64(96, 0n, true);
    dv.setUint32(104, 0, true);
    expect(formatCoreError(info(codeOf('regionMisuse'), 4n, ptr(80, 0), ptr(96, 0)), ctx)).toBe(
      'misuse of region in goroutine 4: region end {7 my region} when the inner-most active region start event is {0 }',
    );
    // old events: i64 time, u64 G, u64 args[4], u32 stack, i32 P, u32 pad, u8 type (41: GoStartLabel g seq labelid).
    dv.setBigInt64(128, 1000n, true);
    dv.setBigUint64(136, 5n, true);
    dv.setBigUint64(144, 6n, true);
    dv.setUint32(176, 3, true);
    dv.setInt32(180, -1, true);
    memory[188] = 41;
    expect(formatCoreError(info(codeOf('oldRegionMode'), 0n, ptr(128, 0)), ctx)).toBe(
      'invalid user region mode: "1000 GoStartLabel p=-1 g=5 stk=3 g=6 seq=0 labelid=0"',
    );
  });

  it('knows every placeholder kind that format/errors.mjs uses', () => {
    const ctx = { version: 26, memory: new Uint8Array(64), names: 0 };
    for (const [code, row] of Object.entries(ERRORS)) {
      const text = formatCoreError(info(Number(code)), ctx);
      expect(text, `${row.name}: ${row.message}`).not.toMatch(/\{\d+:\w*\??\}/);
    }
  });

  it('words unknown codes as internal errors', () => {
    expect(formatCoreError(info(65535, 1n))).toBe('internal error: unknown error code 65535 (1, 0, 0, 0)');
    expect(coreError(info(65535)).code).toBe(900);
  });
});

describe('TraceError', () => {
  it("carries Go's words, and where the fault lies", () => {
    const e = coreError(info(codeOf('procStatusInvalid'), 0n, 69n));
    expect(e).toBeInstanceOf(TraceError);
    expect(e.goMessage).toBe('invalid status for proc 0: 69');
    expect(e.message).toBe('invalid status for proc 0: 69 (at byte 41, generation 1)');
    expect([e.offset, e.generation]).toEqual([41, 1]);
    expect(new TraceError(1, 'bad file format: not a Go execution trace?', 0, 0).message).toBe('bad file format: not a Go execution trace? (at byte 0)');
  });

  it('turns traps and other faults into internal errors', () => {
    const trap = internalError(new WebAssembly.RuntimeError('unreachable'));
    expect(trap.message).toBe('internal error: unreachable');
    expect(trap.code).toBe(900);
  });
});
