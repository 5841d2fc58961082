// Typed events built from hand-made records, printed and compared with lines
// that Go's `go tool trace -d=parsed` printed for real traces (quoted in each
// test), plus the cases real traces rarely show: values past 2^53, bytes that
// are not UTF-8, stack 0 of a CPU sample.
import { describe, expect, it } from 'vitest';
import { TYPE_BY_NAME } from '../format/events.mjs';
import { format } from '../src/eventstring';
import { EventKind, GoState, ProcState, ResourceKind, ValueKind } from '../src/kinds';
import { encodeRaw } from '../src/tables';
import { event, names, tables } from './event-builders';

const T = (name: string): number => TYPE_BY_NAME.get(name)!;
const NO_TASK = 0xffffffffffffffffn;

// A generation's tables like those of go1.27-annotations.trace.
const gen = tables({
  strings: [
    [1, 'main.main'],
    [2, './annotations.go'],
    [3, 'task0'],
    [4, 'key0'],
    [5, '0123456789abcdef'],
    [6, 'GC (fractional)'],
    [7, 'start trace'],
    [8, 'runtime.traceStartReadCPU.func1'],
    [9, 'runtime/tracecpu.go'],
    [10, 'runtime.StartTrace'],
    [11, 'runtime/trace.go'],
    [12, 'system goroutine wait'],
  ],
  stacks: [
    [1, [[0x4b2db2, 1, 2, 33]]],
    [2, [[0x479520, 8, 9, 44]]],
    [3, [[0x466d2d, 10, 11, 429]]],
  ],
});

describe("Event.toString() is Go's Event.String()", () => {
  it('TaskBegin with a stack and no parent', () => {
    const ev = event({ type: T('UserTaskBegin'), time: 1607466461888, m: 31582, p: 0, g: 1, args: [1, NO_TASK, 3, 1] }, gen);
    expect(String(ev)).toBe(
      'M=31582 P=0 G=1 TaskBegin Time=1607466461888 ID=1 Parent=18446744073709551615 Type="task0"\nStack=\n\tmain.main @ 0x4b2db2\n\t\t./annotations.go:33\n',
    );
    expect(ev.task()).toEqual({ id: 1, parent: NO_TASK, type: 'task0' });
  });

  it('TaskEnd takes parent and name from the record and the names arena', () => {
    const { arena, offsets } = names(['task0']);
    const ev = event({ type: T('UserTaskEnd'), time: 1607466472256, m: 31582, p: 0, g: 10, args: [1, 0, NO_TASK, offsets[0]!] }, gen, arena);
    arena.fill(0); // the event must have copied the name
    expect(String(ev)).toBe('M=31582 P=0 G=10 TaskEnd Time=1607466472256 ID=1 Parent=18446744073709551615 Type="task0"');
    expect(ev.task().type).toBe('task0');
  });

  it('Log and Label', () => {
    const log = event({ type: T('UserLog'), time: 1607466471680, m: 31582, p: 0, g: 10, args: [1, 4, 5, 0] }, gen);
    expect(String(log)).toBe('M=31582 P=0 G=10 Log Time=1607466471680 Task=1 Category="key0" Message="0123456789abcdef"');
    const label = event({ type: T('GoLabel'), time: 1609874387328, m: 31966, p: 0, g: 7, args: [6] }, gen);
    expect(String(label)).toBe('M=31966 P=0 G=7 Label Time=1609874387328 Label="GC (fractional)" Resource=Goroutine(7)');
    expect(label.label().resource.kind).toBe(ResourceKind.Goroutine);
  });

  it('ranges: stop-the-world, mark assist, sweep with attributes', () => {
    const stw = event({ type: T('STWBegin'), time: 1607466401600, m: 31582, p: 0, g: 1, args: [7, 3] }, gen);
    expect(String(stw)).toBe(
      'M=31582 P=0 G=1 RangeBegin Time=1607466401600 Name="stop-the-world (start trace)" Scope=Goroutine(1)\nStack=\n\truntime.StartTrace @ 0x466d2d\n\t\truntime/trace.go:429\n',
    );
    const end = event({ type: T('STWEnd'), time: 1607466413952, m: 31582, p: 0, g: 1, args: [7] }, gen);
    expect(String(end)).toBe('M=31582 P=0 G=1 RangeEnd Time=1607466413952 Name="stop-the-world (start trace)" Scope=Goroutine(1) Attributes=[]');
    const assist = event({ type: T('GCMarkAssistEnd'), time: 1609874471040, m: 31969, p: 1, g: 18 }, gen);
    expect(String(assist)).toBe('M=31969 P=1 G=18 RangeEnd Time=1609874471040 Name="GC mark assist" Scope=Goroutine(18) Attributes=[]');
    const sweep = event({ type: T('GCSweepEnd'), time: 1609881406464, m: 31969, p: 1, g: 18, args: [8192, 7680] }, gen);
    expect(String(sweep)).toBe(
      'M=31969 P=1 G=18 RangeEnd Time=1609881406464 Name="GC incremental sweep" Scope=Proc(1) Attributes=["bytes swept"=Value{Uint64(8192)} "bytes reclaimed"=Value{Uint64(7680)}]',
    );
    expect(sweep.rangeAttributes()[1]!.value.uint64()).toBe(7680);
    const active = event({ type: T('GCSweepActive'), time: 5, m: 1, p: 0, g: -1, args: [3] }, gen);
    expect(active.range().scope.toString()).toBe('Proc(3)');
  });

  it('metrics', () => {
    const ev = event({ type: T('HeapAlloc'), time: 1609881406592, m: 31969, p: 1, g: 18, args: [24514288] }, gen);
    expect(String(ev)).toBe('M=31969 P=1 G=18 Metric Time=1609881406592 Name="/memory/classes/heap/objects:bytes" Value=Value{Uint64(24514288)}');
    expect(ev.metric().value.kind).toBe(ValueKind.Uint64);
  });

  it('state transitions: create with its stack, block with a reason, statuses', () => {
    const create = event({ type: T('GoCreate'), time: 1607466455552, m: 31582, p: 0, g: 1, args: [7, 2, 0] }, gen);
    expect(String(create)).toBe(
      'M=31582 P=0 G=1 StateTransition Time=1607466455552 GoID=7 NotExist->Runnable Reason=""\nTransitionStack=\n\truntime.traceStartReadCPU.func1 @ 0x479520\n\t\truntime/tracecpu.go:44\n',
    );
    const block = event({ type: T('GoBlock'), time: 1609874428224, m: 31966, p: 0, g: 7, args: [12, 0] }, gen);
    expect(String(block)).toBe('M=31966 P=0 G=7 StateTransition Time=1609874428224 GoID=7 Running->Waiting Reason="system goroutine wait"');
    const st = block.stateTransition();
    expect([st.from, st.to, st.reason]).toEqual([GoState.Running, GoState.Waiting, 'system goroutine wait']);
    // GoStatus: args[2] packs the old state (high) and the wire status (low; 2 = Running).
    const status = event({ type: T('GoStatus'), time: 1607466396480, m: 31582, p: 0, g: -1, args: [1, 31582, 2] }, gen);
    expect(String(status)).toBe('M=31582 P=0 G=-1 StateTransition Time=1607466396480 GoID=1 Undetermined->Running Reason=""');
    // ProcStatus: args[1] is the wire status (2 = Idle), args[2] the old state.
    const proc = event({ type: T('ProcStatus'), time: 1607466441600, m: 31585, args: [1, 2, ProcState.Undetermined] }, gen);
    expect(String(proc)).toBe('M=31585 P=-1 G=-1 StateTransition Time=1607466441600 ProcID=1 Undetermined->Idle Reason=""');
    const start = event({ type: T('ProcStart'), time: 1607466441728, m: 31585, args: [1, 4] }, gen);
    expect(String(start)).toBe('M=31585 P=-1 G=-1 StateTransition Time=1607466441728 ProcID=1 Idle->Running Reason=""');
  });

  it("ProcSteal: from Idle when the stolen proc's syscall was abandoned", () => {
    const steal = (old: number) => event({ type: T('ProcSteal'), time: 9, m: 2, p: 1, g: 3, args: [0, 1, 1, old] }, gen);
    expect(String(steal(3))).toBe('M=2 P=1 G=3 StateTransition Time=9 ProcID=0 Running->Idle Reason=""');
    expect(String(steal(4))).toBe('M=2 P=1 G=3 StateTransition Time=9 ProcID=0 Idle->Idle Reason=""');
  });

  it('CPU samples print a Stack section even for stack 0', () => {
    const ev = event({ type: T('CPUSample'), time: 1609352064128, m: 31884, p: 0, g: 1, args: [0] }, gen);
    expect(String(ev)).toBe('M=31884 P=0 G=1 StackSample Time=1609352064128\nStack=\n');
    expect(ev.kind).toBe(EventKind.StackSample);
  });

  it('Sync with a clock snapshot, and without tables', () => {
    const snap = tables({ snapshot: { trace: 1607466374976, mono: 1607466374952, sec: 1795657058, nsec: 166666459 } });
    const ev = event({ type: 0xff, flags: 1, time: 1607466342400, args: [1] }, snap);
    expect(String(ev)).toBe('M=-1 P=-1 G=-1 Sync Time=1607466342400 N=1 Trace=1607466374976 Mono=1607466374952 Wall=2026-11-26T01:37:38.166666459Z');
    expect(ev.sync().clockSnapshot?.wallSeconds).toBe(1795657058);
    expect(String(event({ type: 0xff, time: 83, args: [4] }))).toBe('M=-1 P=-1 G=-1 Sync Time=83 N=4');
  });

  it('prints 64-bit values exactly and gives bigints past 2^53', () => {
    const big = 2n ** 53n + 1n;
    const ev = event({ type: T('GoStart'), time: big, m: 2n ** 62n, p: 0, g: -1, args: [2n ** 63n + 5n, 1] }, gen);
    expect(ev.time).toBe(big);
    expect(ev.thread).toBe(2n ** 62n);
    expect(ev.proc).toBe(0);
    expect(String(ev)).toBe('M=4611686018427387904 P=0 G=-1 StateTransition Time=9007199254740993 GoID=-9223372036854775803 Runnable->Running Reason=""');
    expect(event({ type: T('GoStart'), time: 2n ** 53n - 1n, args: [1, 1] }, gen).time).toBe(2 ** 53 - 1);
    expect(event({ type: T('GoStart'), time: -(2n ** 53n), args: [1, 1] }, gen).time).toBe(-(2n ** 53n));
  });

  it('keeps bytes that are not UTF-8: quoted as Go does, raw for exact writers', () => {
    const bad = tables({
      strings: [
        [1, Uint8Array.of(0x66, 0xff, 0x6f)],
        [2, 'f.go'],
      ],
      stacks: [[1, [[0x10, 1, 2, 3]]]],
    });
    const ev = event({ type: T('GoBlock'), time: 1, m: 1, p: 0, g: 1, args: [1, 1] }, bad);
    expect(String(ev)).toBe(
      'M=1 P=0 G=1 StateTransition Time=1 GoID=1 Running->Waiting Reason="f\\xffo"\nTransitionStack=\n\tf\ufffdo @ 0x10\n\t\tf.go:3\n\nStack=\n\tf\ufffdo @ 0x10\n\t\tf.go:3\n',
    );
    const raw = encodeRaw(format(ev, true));
    expect(Buffer.from(raw).includes(Buffer.from([0x66, 0xff, 0x6f, 0x20, 0x40]))).toBe(true);
  });

  it('experimental events (go1.27 with GODEBUG=traceallocfree=1)', () => {
    const ev = event({ type: T('Span'), time: 2016497103488, m: 7042, p: 1, g: 1, args: [490, 1, 72] }, gen);
    expect(String(ev)).toBe(
      'M=7042 P=1 G=1 Experimental Time=2016497103488 Name=Span Args=[id=Value{Uint64(490)}, npages_value=Value{Uint64(1)}, kindclass=Value{Uint64(72)}]',
    );
    const x = ev.experimental();
    expect([x.name, x.experiment, x.args]).toEqual(['Span', 'AllocFree', ['id', 'npages_value', 'kindclass']]);
    expect(x.values.map((v) => v.uint64())).toEqual([490, 1, 72]);
    expect(() => x.argValue(3)).toThrow(RangeError);
  });

  it('views throw on events of other kinds', () => {
    const ev = event({ type: T('GoStart'), time: 1, args: [1, 1] }, gen);
    expect(() => ev.metric()).toThrow(TypeError);
    expect(() => ev.sync()).toThrow(TypeError);
  });
});
