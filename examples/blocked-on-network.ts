// The Go blog's example of the trace reader API ("More Powerful Go Execution
// Traces", 2024), in TypeScript: of the times goroutines stopped executing to
// wait, how many waited on the network. Go's program, for comparison
// (golang.org/x/exp/trace, the same API as Go 1.27's internal/trace):
//
//     for {
//         ev, err := r.ReadEvent()
//         ...
//         if ev.Kind() == trace.EventStateTransition {
//             st := ev.StateTransition()
//             if st.Resource.Kind == trace.ResourceGoroutine {
//                 from, to := st.Goroutine()
//                 if from.Executing() && to == trace.GoWaiting {
//                     blocked++
//                     if strings.Contains(st.Reason, "network") {
//                         blockedOnNetwork++
//                     ...
//
// test/api-helpers.test.ts runs it on traces whose answer Go printed. Run
// as a program it reads the trace on standard input, once the core is built
// (`npm run asbuild`), through a TypeScript runner (tsx, say:
// `npx tsx examples/blocked-on-network.ts < trace.out`; not a dependency of
// gotrace). In your own code, import from 'gotrace' instead of '../src/index'.
import { EventKind, GoState, Reader, ResourceKind, type Source } from '../src/index';

/** Blocking is what the example counts. */
export interface Blocking {
  /** blocked counts goroutines that stopped executing to wait. */
  blocked: number;
  /** blockedOnNetwork counts those whose reason names the network. */
  blockedOnNetwork: number;
}

/** blocking reads the trace `source` and counts its goroutines' blocking, as the blog's program does. */
export async function blocking(source: Source): Promise<Blocking> {
  let blocked = 0;
  let blockedOnNetwork = 0;
  for await (const ev of new Reader(source)) {
    if (ev.kind !== EventKind.StateTransition) continue;
    const st = ev.stateTransition();
    if (st.resource.kind === ResourceKind.Goroutine) {
      const [from, to] = st.goroutine();
      if (GoState.executing(from) && to === GoState.Waiting) {
        blocked++;
        if (st.reason.includes('network')) blockedOnNetwork++;
      }
    }
  }
  return { blocked, blockedOnNetwork };
}

/**
 * report is the line the blog's program prints, with Go's "%d %d %2.3f%% ..."
 * ("NaN%" where nothing blocked, as Go prints 0/0).
 */
export function report({ blocked, blockedOnNetwork }: Blocking): string {
  return `${blocked} ${blockedOnNetwork} ${percent(blockedOnNetwork, blocked)}% instances of goroutines blocking were to block on the network`;
}

/**
 * percent is 100 * part / whole with three decimals, rounded as Go's %.3f
 * rounds: to nearest, ties to even, where toFixed breaks ties upwards
 * (1 in 1,600 is 0.0625%: Go prints 0.062, toFixed 0.063). Computed in
 * integers, it is exact for any count a trace can have.
 */
function percent(part: number, whole: number): string {
  if (whole === 0) return 'NaN';
  const n = part * 100_000;
  let q = Math.floor(n / whole);
  const twice = 2 * (n - q * whole);
  if (twice > whole || (twice === whole && q % 2 === 1)) q++;
  return `${Math.floor(q / 1000)}.${String(q % 1000).padStart(3, '0')}`;
}

// Run as a program, the trace on standard input (Node's process.stdin is a
// source: an async iterable of byte chunks).
if (typeof process !== 'undefined' && /blocked-on-network\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  void blocking(process.stdin).then((b) => process.stdout.write(report(b) + '\n'));
}
