// The IDs of goroutines whose state the ordering changed, while the reader
// keeps threads waiting for such changes (frontier.ts): the reader then
// retries only the threads that wait on those goroutines, instead of all.
// The ordering notes an ID wherever it writes a goroutine's or proc's record
// (order-state.ts: status, sequence number, creation, removal); a proc's or
// thread's ID wakes the goroutine of that number too, which costs a retry and
// changes nothing.

import { Vec } from './mem';

/** watching is whether the reader wants the IDs noted. */
export let watching = false;
/** touched holds the IDs noted since the reader last took them (u64 each). */
export const touched = new Vec();

/** setWatching starts or stops the noting, with no ID noted. */
export function setWatching(on: bool): void {
  watching = on;
  touched.reset();
}

/** touch notes that the record of ID `id` changed. */
@inline export function touch(id: u64): void {
  if (watching) store<u64>(touched.grow(8), id);
}
