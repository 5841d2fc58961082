/** decodeBase64 turns base64 text into bytes with `atob`, which both Node
 * (16 and later) and browsers have. */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
