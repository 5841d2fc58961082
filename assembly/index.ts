// The core's exports: everything TypeScript may call. Only numbers cross.
import './env';
export { inputWindow, inputWindowSize, inputSpace, feedSpace, feed, close, version } from './input';
export { errorInfo } from './errors';
export { rawNext, rawRecord, reset } from './raw';
export { next, records, tables, tablesLen } from './reader';
export { namesPtr as names } from './names';
export { storeInfo, storeLimit } from './intern';
export { bufferLimit, memoryLimit, occupy } from './mem';
export { orderWork, orderVirtualMin, orderVirtualStats } from './frontier'; // debug build: the work counted, and a test knob
