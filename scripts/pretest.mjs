// Builds what the tests need, and only when it is stale: the core (debug and
// release, from assembly/, format/ and asconfig.json) and its embedded copy
// (see stale.mjs). A fresh clone builds everything; a test run after a
// TypeScript edit builds nothing.
import { buildStale } from './stale.mjs';

buildStale(['core']);
