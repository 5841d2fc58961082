/**
 * Loading the core. The module is compiled once per process and shared; each
 * `Core` is an instance of it with its own memory, so readers never share
 * state. `init()`/`load()` work everywhere. `initSync()`/`loadSync()` compile
 * synchronously: always fine in Node and in web workers, while browsers' main
 * threads may refuse a synchronous compile of a module this size (call
 * `await init()` once first there, then `loadSync()` only instantiates).
 */
import { Core } from './core';
import { coreBytes, coreBytesSync } from './platform';

export { Core, CoreTrap, type Views } from './core';
export * from './exports';

let compiled: WebAssembly.Module | undefined;
let compiling: Promise<WebAssembly.Module> | undefined;

/** init compiles the core once, without blocking. `wasm` may give the bytes
 * of another build of it (the debug build, say) for this process. */
export async function init(wasm?: Uint8Array): Promise<void> {
  if (wasm) {
    compiled = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
    return;
  }
  if (compiled) return;
  compiling ??= coreBytes().then((b) => WebAssembly.compile(b as Uint8Array<ArrayBuffer>));
  compiled = await compiling;
}

/** initSync compiles the core once, synchronously (see the module's note on browsers). */
export function initSync(wasm?: Uint8Array): void {
  if (wasm) compiled = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  else compiled ??= new WebAssembly.Module(coreBytesSync() as Uint8Array<ArrayBuffer>);
}

/** load returns a new Core, compiling the core first if need be. */
export async function load(): Promise<Core> {
  await init();
  const instance = await WebAssembly.instantiate(compiled!, {});
  return new Core(compiled!, instance);
}

/** loadSync returns a new Core, synchronously. */
export function loadSync(): Core {
  initSync();
  return new Core(compiled!);
}
