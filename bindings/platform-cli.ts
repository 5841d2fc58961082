/**
 * How the command line finds the core: `build/gotrace.wasm` one folder up
 * from its bundle, which the package always ships beside it. Unlike the
 * library (platform.ts), the command line embeds no copy of the core: every
 * run would parse that copy's 115 KB of base64 for nothing (about 5 ms of a
 * run), and a command line is never bundled away from its package. It reads
 * the file synchronously either way: 86 KB from the page cache take less than
 * loading `node:fs/promises` would. rollup.config.mjs puts this module in
 * place of platform.ts in the command line's bundle.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WASM_URL = new URL('../build/gotrace.wasm', import.meta.url);

/** coreBytesSync returns the bytes of the release core, or says which file is missing. */
export function coreBytesSync(): Uint8Array {
  try {
    return readFileSync(WASM_URL);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`the WebAssembly core is missing from this installation (${fileURLToPath(WASM_URL)}): ${why}`);
  }
}

/** coreBytes returns the bytes of the release core (read synchronously, see above). */
export async function coreBytes(): Promise<Uint8Array> {
  return coreBytesSync();
}
