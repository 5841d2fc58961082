// Type-checked by test/api-helpers.test.ts (tsc --strict), never run: a
// transition's states are typed by its resource, once TypeScript knows which.
import { type Event, GoState, ProcState, ResourceKind, sub, type Int64 } from '../../src/index';

export function states(ev: Event): void {
  const st = ev.stateTransition();
  if (st.kind === ResourceKind.Goroutine) {
    const from: GoState = st.from;
    const to: GoState = st.to;
    // @ts-expect-error a goroutine's state is no ProcState
    const wrong: ProcState = st.from;
    void [from, to, wrong];
  } else {
    const from: ProcState = st.from;
    void [from, ProcState.executing(st.to)];
  }
  const [from, to]: [GoState, GoState] = st.goroutine();
  const executing: boolean = GoState.executing(from) && to === GoState.Waiting;
  const d: Int64 = sub(ev.time, ev.time);
  void [executing, d];
}
