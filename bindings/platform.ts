/**
 * How Node finds the core: `build/gotrace.wasm` one folder up from this module
 * (from `dist/` in the package, from `bindings/` in the source tree), or, where
 * that file is missing, the copy embedded in the bundle. The browser bundle
 * replaces this module with `platform-browser.ts`, and the command line's
 * with `platform-cli.ts` (see rollup.config.mjs).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { WASM_BASE64 } from './wasm-inline';
import { decodeBase64 } from './base64';

const WASM_URL = new URL('../build/gotrace.wasm', import.meta.url);

/** coreBytesSync returns the bytes of the release core. */
export function coreBytesSync(): Uint8Array {
  try {
    return readFileSync(WASM_URL);
  } catch {
    return decodeBase64(WASM_BASE64);
  }
}

/** coreBytes returns the bytes of the release core without blocking. */
export async function coreBytes(): Promise<Uint8Array> {
  try {
    return await readFile(WASM_URL);
  } catch {
    return decodeBase64(WASM_BASE64);
  }
}
