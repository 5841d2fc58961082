/**
 * How browsers find the core: the copy embedded in the bundle. Nothing is
 * fetched at run time, so the bundle works wherever it is served from.
 */
import { WASM_BASE64 } from './wasm-inline';
import { decodeBase64 } from './base64';

/** coreBytesSync returns the bytes of the release core. */
export function coreBytesSync(): Uint8Array {
  return decodeBase64(WASM_BASE64);
}

/** coreBytes returns the bytes of the release core. */
export async function coreBytes(): Promise<Uint8Array> {
  return decodeBase64(WASM_BASE64);
}
