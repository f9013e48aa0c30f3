/** Most items a chunk holds before it splits in two. */
const MAX_CHUNK = 1024
/** A chunk this small merges with a neighbour when the two fit in one. */
const MIN_CHUNK = MAX_CHUNK / 8

/**
 * A sorted list kept in chunks of at most 1,024 items: an insert or a removal moves the items of
 * one chunk, not of the whole list (a flat array of 100,000 moved 50,000 pointers on average per
 * change). Finding an item is two binary searches (the chunks by their last item, then one chunk);
 * a position is reached by walking the chunks' lengths (100 chunks per 100,000 items).
 * Items are distinct by `compare` (ties are not ordered among themselves).
 */
export class SortedList<T> {
  private chunks: T[][] = []
  private count = 0

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** A list of items already sorted by `compare`. */
  static fromSorted<T>(items: readonly T[], compare: (a: T, b: T) => number): SortedList<T> {
    const list = new SortedList(compare)
    const size = MAX_CHUNK / 2
    for (let at = 0; at < items.length; at += size) list.chunks.push(items.slice(at, at + size))
    list.count = items.length
    return list
  }

  get length(): number {
    return this.count
  }

  last(): T | undefined {
    return this.chunks.at(-1)?.at(-1)
  }

  insert(item: T): void {
    this.count++
    if (this.chunks.length === 0) {
      this.chunks.push([item])
      return
    }
    // The first chunk whose last item is not before `item`; past the end, the last chunk (an append).
    const c = Math.min(this.chunkOf((x) => this.compare(x, item) >= 0), this.chunks.length - 1)
    const chunk = this.chunks[c]!
    if (this.compare(chunk[chunk.length - 1]!, item) < 0) chunk.push(item)
    else chunk.splice(firstIn(chunk, (x) => this.compare(x, item) >= 0), 0, item)
    // Two copies, not splice: the half left in place would keep the whole chunk's room (V8 grows an
    // array by half again), and a chunk appends no longer reach keeps that room for good.
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c, 1, chunk.slice(0, MAX_CHUNK / 2), chunk.slice(MAX_CHUNK / 2))
  }

  /** Removes this very item (found by `compare`, or by identity when its keys changed since); false when absent. */
  delete(item: T): boolean {
    let c = this.chunkOf((x) => this.compare(x, item) >= 0)
    let at = c < this.chunks.length ? firstIn(this.chunks[c]!, (x) => this.compare(x, item) >= 0) : -1
    if (at < 0 || this.chunks[c]![at] !== item) {
      c = this.chunks.findIndex((chunk) => chunk.includes(item))
      if (c < 0) return false
      at = this.chunks[c]!.indexOf(item)
    }
    const chunk = this.chunks[c]!
    chunk.splice(at, 1)
    this.count--
    if (chunk.length === 0) this.chunks.splice(c, 1)
    else if (chunk.length < MIN_CHUNK) this.mergeSmall(c)
    return true
  }

  /**
   * The position of the first item for which `isAtOrAfter` holds, which must be false for a start
   * of the list and true for the rest (a binary search); the length when it holds for none.
   */
  findFirst(isAtOrAfter: (item: T) => boolean): number {
    const c = this.chunkOf(isAtOrAfter)
    if (c === this.chunks.length) return this.count
    let before = 0
    for (let i = 0; i < c; i++) before += this.chunks[i]!.length
    return before + firstIn(this.chunks[c]!, isAtOrAfter)
  }

  /** The item `findFirst` finds, without counting its position. */
  first(isAtOrAfter: (item: T) => boolean): T | undefined {
    const c = this.chunkOf(isAtOrAfter)
    return c === this.chunks.length ? undefined : this.chunks[c]![firstIn(this.chunks[c]!, isAtOrAfter)]
  }

  /**
   * The chunks from the one holding position `from` to the end, each with the index in it to
   * start from: callers loop over the items themselves (a callback per item costs a walk over
   * 50,000 of them a third more).
   */
  *spans(from: number): Generator<readonly [readonly T[], number]> {
    if (from < 0 || from >= this.count) return
    let c = 0
    let at = from
    while (at >= this.chunks[c]!.length) at -= this.chunks[c++]!.length
    yield [this.chunks[c]!, at]
    while (++c < this.chunks.length) yield [this.chunks[c]!, 0]
  }

  /** The items at positions [from, to), in order. */
  slice(from: number, to: number): T[] {
    const items: T[] = []
    for (const [chunk, start] of this.spans(from)) {
      for (let i = start; i < chunk.length && items.length < to - from; i++) items.push(chunk[i]!)
      if (items.length >= to - from) break
    }
    return items
  }

  /** The first chunk whose last item satisfies `isAtOrAfter`; the number of chunks when none does. */
  private chunkOf(isAtOrAfter: (item: T) => boolean): number {
    let lo = 0
    let hi = this.chunks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const chunk = this.chunks[mid]!
      if (isAtOrAfter(chunk[chunk.length - 1]!)) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** Chunk `c` has become small: joins it with the smaller neighbour when both fit in one chunk. */
  private mergeSmall(c: number): void {
    const before = c > 0 ? this.chunks[c - 1]!.length : Infinity
    const after = c + 1 < this.chunks.length ? this.chunks[c + 1]!.length : Infinity
    const into = before <= after ? c - 1 : c
    if (Math.min(before, after) + this.chunks[c]!.length > MAX_CHUNK) return
    this.chunks.splice(into, 2, this.chunks[into]!.concat(this.chunks[into + 1]!))
  }
}

/** The first index of a sorted chunk whose item satisfies `isAtOrAfter`; its length when none does. */
function firstIn<T>(chunk: readonly T[], isAtOrAfter: (item: T) => boolean): number {
  let lo = 0
  let hi = chunk.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (isAtOrAfter(chunk[mid]!)) hi = mid
    else lo = mid + 1
  }
  return lo
}
