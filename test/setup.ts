// Set-up for every test file: GOTRACE_WASM points the tests at another build
// of the core (the debug build, say; by default they load build/gotrace.wasm).
import { readFileSync } from 'node:fs';
import { initSync } from '../bindings/index';

if (process.env.GOTRACE_WASM) initSync(readFileSync(process.env.GOTRACE_WASM));
