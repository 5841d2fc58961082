// Builds what the tests need, and only when it is stale: the generated files
// whose sources changed (scripts/gen.mjs), then the core (debug and release,
// from assembly/, format/ and asconfig.json) and its embedded copy (see
// stale.mjs). A fresh clone builds the core; a test run after a TypeScript
// edit builds nothing.
import { buildStale } from './stale.mjs';

buildStale(['gen', 'core']);
