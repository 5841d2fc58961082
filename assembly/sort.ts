// Sorting exactly as Go's slices.SortFunc does (pattern-defeating quicksort,
// the variant in Go's slices package). Go sorts the frontier of cursors and the
// CPU samples of a generation by time alone, so elements with equal times end
// up in whatever order that algorithm's steps leave them; to deliver events in
// Go's order the same steps must be taken here, comparison for comparison and
// swap for swap. The algorithm is deterministic: its only "randomness" is a
// xorshift generator seeded by the length.
//
// Elements are 16 bytes: an i64 key (the time) and a u64 payload that rides
// along. Only keys are compared, always as "less than".

const ELEM: usize = 16;

// The base address of the elements being sorted.
let base: usize = 0;

@inline function keyAt(i: i32): i64 { return load<i64>(base + <usize>i * ELEM); }

@inline function less(i: i32, j: i32): bool { return keyAt(i) < keyAt(j); }

@inline function swap(i: i32, j: i32): void {
  const a = base + <usize>i * ELEM, b = base + <usize>j * ELEM;
  const k = load<i64>(a), v = load<u64>(a, 8);
  store<i64>(a, load<i64>(b)); store<u64>(a, load<u64>(b, 8), 8);
  store<i64>(b, k); store<u64>(b, v, 8);
}

/** sortByKey sorts `n` 16-byte elements at `ptr` by their i64 key, taking the
 * same steps as Go's slices.SortFunc with cmp.Compare on the key. */
export function sortByKey(ptr: usize, n: i32): void {
  base = ptr;
  pdq(0, n, 32 - clz<u32>(<u32>n));
}

function insertion(a: i32, b: i32): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1);
  }
}

function siftDown(lo: i32, hi: i32, first: i32): void {
  let root = lo;
  while (true) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && less(first + child, first + child + 1)) child++;
    if (!less(first + root, first + child)) return;
    swap(first + root, first + child);
    root = child;
  }
}

function heapSort(a: i32, b: i32): void {
  const hi = b - a;
  for (let i = (hi - 1) / 2; i >= 0; i--) siftDown(i, hi, a);
  for (let i = hi - 1; i >= 0; i--) {
    swap(a, a + i);
    siftDown(0, i, a);
  }
}

// Pivot hints of choosePivot.
const UNKNOWN: i32 = 0;
const INCREASING: i32 = 1;
const DECREASING: i32 = 2;

// choosePivot's second result, and the swap count its medians share.
let hint: i32 = 0;
let swaps: i32 = 0;

function pdq(a: i32, b: i32, limit: i32): void {
  let wasBalanced = true;
  let wasPartitioned = true;
  while (true) {
    const length = b - a;
    if (length <= 12) { insertion(a, b); return; }
    if (limit == 0) { heapSort(a, b); return; }
    if (!wasBalanced) { breakPatterns(a, b); limit--; }
    let pivot = choosePivot(a, b);
    if (hint == DECREASING) {
      reverse(a, b);
      pivot = (b - 1) - (pivot - a);
      hint = INCREASING;
    }
    if (wasBalanced && wasPartitioned && hint == INCREASING) {
      if (partialInsertion(a, b)) return;
    }
    if (a > 0 && !less(a - 1, pivot)) {
      a = partitionEqual(a, b, pivot);
      continue;
    }
    const mid = partition(a, b, pivot);
    wasPartitioned = alreadyPartitioned;
    const leftLen = mid - a, rightLen = b - mid;
    const threshold = length / 8;
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= threshold;
      pdq(a, mid, limit);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= threshold;
      pdq(mid + 1, b, limit);
      b = mid;
    }
  }
}

// partition's second result: whether the range was already partitioned.
let alreadyPartitioned = false;

function partition(a: i32, b: i32, pivot: i32): i32 {
  swap(a, pivot);
  let i = a + 1, j = b - 1;
  while (i <= j && less(i, a)) i++;
  while (i <= j && !less(j, a)) j--;
  if (i > j) {
    swap(j, a);
    alreadyPartitioned = true;
    return j;
  }
  swap(i, j);
  i++; j--;
  while (true) {
    while (i <= j && less(i, a)) i++;
    while (i <= j && !less(j, a)) j--;
    if (i > j) break;
    swap(i, j);
    i++; j--;
  }
  swap(j, a);
  alreadyPartitioned = false;
  return j;
}

function partitionEqual(a: i32, b: i32, pivot: i32): i32 {
  swap(a, pivot);
  let i = a + 1, j = b - 1;
  while (true) {
    while (i <= j && !less(a, i)) i++;
    while (i <= j && less(a, j)) j--;
    if (i > j) break;
    swap(i, j);
    i++; j--;
  }
  return i;
}

function partialInsertion(a: i32, b: i32): bool {
  let i = a + 1;
  for (let step = 0; step < 5; step++) {
    while (i < b && !less(i, i - 1)) i++;
    if (i == b) return true;
    if (b - a < 50) return false;
    swap(i, i - 1);
    // Go shifts down to index 1, not to a + 1; so does this.
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!less(j, j - 1)) break;
        swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!less(j, j - 1)) break;
        swap(j, j - 1);
      }
    }
  }
  return false;
}

function breakPatterns(a: i32, b: i32): void {
  const length = b - a;
  if (length < 8) return;
  let random = <u64>length;
  const modulus = <u64>1 << <u64>(32 - clz<u32>(<u32>length));
  const last = a + (length / 4) * 2 + 1;
  for (let idx = a + (length / 4) * 2 - 1; idx <= last; idx++) {
    random ^= random << 13;
    random ^= random >> 7;
    random ^= random << 17;
    let other = <i32>(random & (modulus - 1));
    if (other >= length) other -= length;
    swap(idx, a + other);
  }
}

function choosePivot(a: i32, b: i32): i32 {
  const l = b - a;
  swaps = 0;
  let i = a + l / 4 * 1;
  let j = a + l / 4 * 2;
  let k = a + l / 4 * 3;
  if (l >= 8) {
    if (l >= 50) {
      i = median(i - 1, i, i + 1);
      j = median(j - 1, j, j + 1);
      k = median(k - 1, k, k + 1);
    }
    j = median(i, j, k);
  }
  hint = swaps == 0 ? INCREASING : swaps == 12 ? DECREASING : UNKNOWN;
  return j;
}

// median returns whichever of a, b, c holds the median key, counting in
// `swaps` each pair it found out of order.
function median(a: i32, b: i32, c: i32): i32 {
  if (less(b, a)) { swaps++; const t = a; a = b; b = t; }
  if (less(c, b)) { swaps++; const t = b; b = c; c = t; }
  if (less(b, a)) { swaps++; const t = a; a = b; b = t; }
  return b;
}

function reverse(a: i32, b: i32): void {
  let i = a, j = b - 1;
  while (i < j) { swap(i, j); i++; j--; }
}
