/**
 * gotrace/core: the WebAssembly core itself, for those who drive it directly
 * (a new decoder, a benchmark of the core alone): its loading, its exports,
 * its statuses and the memory layouts it writes (format/abi.mjs, documented in
 * assembly/README.md). These are the core's own terms and may change with it;
 * the package's main entry is the API that keeps its promise. This entry has
 * its own copy of the loader: a Core made here works wherever a Core is taken
 * (WireReader), but `init()` here compiles the core for this entry only.
 */

export {
  init,
  initSync,
  load,
  loadSync,
  Core,
  CoreTrap,
  type Views,
  type CoreErrorInfo,
  type CoreExports,
  NEED_INPUT,
  END,
  ERROR,
} from '../bindings/index';

// The layouts: RECORD_*, RAW_*, TABLES_*, ERROR_*, … (byte offsets and sizes).
export * from '../bindings/abi';
