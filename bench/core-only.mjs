// The core alone: a whole process that compiles the WebAssembly core, pulls a
// trace file into it window by window as the command line does (Core.pull:
// read straight into the core's memory) and steps the ordered reader to the
// end, reading none of the records it writes. No reading through the public
// API can take less, so `npm run bench` times it beside the commands as the
// bound that the core sets on every speed-up: what is left above it is
// JavaScript's.
//
//   node bench/core-only.mjs CORE.wasm TRACE
//
// Prints `events N` (the line `gotrace stats` prints, so that the bench checks
// the count against Go's) and exits 1 with the core's error code where the
// trace is broken.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const [wasm, trace] = process.argv.slice(2);
if (!wasm || !trace) {
  console.error('usage: node bench/core-only.mjs CORE.wasm TRACE');
  process.exit(2);
}
const core = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), {}).exports;
// The statuses of next(), as bindings/exports.ts names them.
const NEED_INPUT = 0,
  ERROR = -2;
const window = core.inputWindowSize();
const fd = openSync(trace, 'r');
let events = 0;
let closed = false;
for (;;) {
  const st = core.next();
  if (st > 0) {
    events += st;
  } else if (st === NEED_INPUT && !closed) {
    const at = core.inputSpace(window);
    const n = readSync(fd, new Uint8Array(core.memory.buffer, at, window), 0, window, null);
    if (n > 0) core.feedSpace(n);
    else core.close(), (closed = true);
  } else if (st === ERROR) {
    console.error(`core-only: the core failed with error code ${new DataView(core.memory.buffer).getUint32(core.errorInfo(), true)}`);
    process.exit(1);
  } else {
    break;
  }
}
closeSync(fd);
console.log(`events ${events}`);
