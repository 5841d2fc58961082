// One generation of the trace: its batches, string and stack tables, CPU
// samples and sync data (Go's generation.go). Work in progress.

/** foundPtr holds the bytes of the string lookupString last found. */
export let foundPtr: usize = 0;
/** foundLen holds the length of the string lookupString last found. */
export let foundLen: u32 = 0;

/** lookupString finds string `id` of the current generation, as Go's
 * evTable.strings.get does: ID 0 is always present and empty. On true,
 * foundPtr and foundLen hold the bytes. */
export function lookupString(id: u64): bool {
  foundPtr = 0;
  foundLen = 0;
  return id == 0;
}
