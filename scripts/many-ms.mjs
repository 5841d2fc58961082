#!/usr/bin/env node
// many-ms.mjs writes, in Go's raw text format, a valid Go 1.22 trace of one
// generation whose N threads (Ms) each start a goroutine early, while the one
// thread that creates those goroutines does so late, one after another: each
// early GoStart waits for its GoCreate, so a reader that retries every
// waiting thread for each event that lands does work quadratic in N. Usage:
// `node scripts/many-ms.mjs N [ties|group|long] > many.txt`, then `gotrace text encode many.txt
// > many.trace` (or src/text.ts's textToTrace); Go reads it (go tool trace
// -d=parsed).

/** uvarintLen is the length of `x` in Go's uvarint encoding. */
function uvarintLen(x) {
  let n = 1;
  for (; x >= 0x80; x = Math.floor(x / 128)) n++;
  return n;
}

/**
 * batch is the text of one event batch of thread `m` at time `time` holding
 * `events`, each [name, [[arg, value], ...]]: the size in its header is the
 * events' encoded length (a type byte, then each argument as a uvarint).
 */
function batch(m, time, events) {
  let size = 0;
  const lines = [];
  for (const [name, args] of events) {
    size += 1 + args.reduce((s, [, v]) => s + uvarintLen(v), 0);
    lines.push(`${name} ${args.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
  return [`EventBatch gen=1 m=${m} time=${time} size=${size}`, ...lines];
}

// PER_BATCH is the most events in one of thread 0's batches.
const PER_BATCH = 4096;

/**
 * manyMsText is the raw text of the trace with `n` waiting threads: thread k
 * (1..n) holds proc k, running, and at time 12 + 3k starts goroutine k + 1;
 * thread 0 holds proc 0 and runs goroutine 1, which creates goroutines 2..n+1
 * from time 3n + 110 on, one tick apart. No two threads' events have the same
 * time, so Go's order of them does not depend on how it breaks ties; with
 * `ties`, each GoStart has the time of the next thread's first event; with
 * `ties` = 'group', every GoStart has one time (a group of n equal times,
 * ordered by Go's heap).
 */
export function manyMsText(n, ties = false) {
  const group = ties === 'group';
  const out = ['Trace Go1.22'];
  // With ties, thread k's batch starts at 10 + k: its GoStart has the time
  // of thread k + 1's ProcStatus.
  const step = ties === true ? 1 : 3;
  // With `group`, every GoStart has one time, after every ProcStatus.
  const together = step * n + 20;
  const late = step * n + 110;
  let creates = [
    [
      'ProcStatus',
      [
        ['dt', 1],
        ['p', 0],
        ['pstatus', 1],
      ],
    ],
    [
      'GoStatus',
      [
        ['dt', 1],
        ['g', 1],
        ['m', 0],
        ['gstatus', 2],
      ],
    ],
  ];
  // A batch holds at most 64 KiB: the creations go in batches of PER_BATCH,
  // each starting where the last one's time ended.
  let start = late;
  // With `long`, thread 0 goes on creating goroutines that no thread starts
  // (5n + 5000 more), so that the virtual mode's log of Go's heap
  // operations grows to its longest without a sort.
  const made = ties === 'long' ? 6 * n + 5000 : n;
  for (let k = 1; k <= made; k++) {
    creates.push([
      'GoCreate',
      [
        ['dt', 1],
        ['new_g', k + 1],
        ['new_stack', 0],
        ['stack', 0],
      ],
    ]);
    if (creates.length === PER_BATCH || k === made) {
      out.push(...batch(0, start, creates));
      start += creates.length;
      creates = [];
    }
  }
  for (let k = 1; k <= n; k++) {
    out.push(
      ...batch(k, 10 + step * k, [
        [
          'ProcStatus',
          [
            ['dt', 1],
            ['p', k],
            ['pstatus', 1],
          ],
        ],
        [
          'GoStart',
          [
            ['dt', group ? together - (11 + step * k) : 1],
            ['g', k + 1],
            ['g_seq', 1],
          ],
        ],
      ]),
    );
  }
  out.push(...batch('18446744073709551615', 0, [['Frequency', [['freq', 15625000]]]]));
  out.push('EventBatch gen=1 m=18446744073709551615 time=0 size=1', 'Stacks');
  out.push('EventBatch gen=1 m=18446744073709551615 time=0 size=1', 'Strings');
  return out.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mode = process.argv[3];
  process.stdout.write(manyMsText(Number(process.argv[2] ?? 1000), mode === 'group' || mode === 'long' ? mode : mode === 'ties'));
}
