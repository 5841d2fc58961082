// @ts-check
/**
 * Errors the WebAssembly core reports, as one table of data.
 *
 * The core never builds a string: it stops with a code and up to four numbers
 * (plus the byte offset and generation where it stopped). The TypeScript layer
 * turns them into a message with `formatCoreError`. Messages follow Go's reader
 * word for word where Go has one, so that `gotrace events` fails with the same
 * words as `go tool trace`; placeholders `{0}`..`{3}` are the numbers, printed
 * in decimal, `{0x}` in hex, `{0ev}` as an event-type name, `{0gs}`/`{0ps}` as
 * a goroutine or proc status name.
 *
 * Codes are grouped by the stage that raises them: 1-99 input, header, framing
 * and raw events; 100-199 generations and their tables; 200-399 ordering;
 * 900+ internal errors. Add rows only within your stage's range.
 */

/** @type {Record<number, {name: string, message: string}>} */
export const ERRORS = {
  // --- 1-99: input, header, framing, raw events ---
  1: { name: 'badHeader', message: 'bad file format: not a Go execution trace?' },
  2: { name: 'badVersion', message: 'unknown or unsupported trace version go 1.{0}' },

  // --- 100-199: generations, tables ---

  // --- 200-399: ordering ---

  // --- 900+: internal ---
  900: { name: 'internal', message: 'internal error: {0}' },
};
