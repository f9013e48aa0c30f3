import { describe, expect, it } from 'vitest'
import { SortedList } from '../../src/orgs/sorted-list.js'

interface Item {
  key: number
}
const byKey = (a: Item, b: Item) => a.key - b.key

/** A seeded generator, so a failure is the same failure on every run. */
function random(seed: number) {
  let s = seed
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s % n
  }
}

function contents(list: SortedList<Item>): number[] {
  return list.slice(0, list.length).map((i) => i.key)
}

describe('SortedList', () => {
  it('stays sorted through inserts and deletes that split and merge its chunks, as a sorted array does', () => {
    const next = random(7)
    const reference = Array.from({ length: 3000 }, (_, i) => ({ key: i * 10 }))
    const list = SortedList.fromSorted([...reference], byKey)
    // Bursts of inserts in one place (a chunk splits again and again), then deletes in bulk (chunks empty and merge).
    for (let round = 0; round < 6; round++) {
      const around = next(30000)
      for (let k = 0; k < 2500; k++) {
        const item = { key: around + next(200) + k / 10000 + round / 1e6 }
        list.insert(item)
        reference.push(item)
      }
      reference.sort(byKey)
      for (let k = 0; k < 2000; k++) {
        const victim = reference.splice(next(reference.length), 1)[0]!
        expect(list.delete(victim)).toBe(true)
      }
      expect(list.length).toBe(reference.length)
      expect(contents(list)).toEqual(reference.map((i) => i.key))
    }
    expect(list.delete({ key: 5 })).toBe(false)
    expect(list.last()).toBe(reference.at(-1))
  })

  it('finds positions and items by a predicate, and walks on from any position', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ key: i * 2 }))
    const list = new SortedList(byKey)
    for (const item of [...items].reverse()) list.insert(item)
    for (const key of [-1, 0, 1, 2047, 2048, 4999, 9998, 9999, 20000]) {
      const at = items.findIndex((i) => i.key >= key)
      expect(list.findFirst((i) => i.key >= key), `key ${key}`).toBe(at < 0 ? items.length : at)
      expect(list.first((i) => i.key >= key)).toBe(at < 0 ? undefined : items[at])
    }
    /** Up to 1,500 keys from position `from`, through the chunks spans gives. */
    const walk = (from: number) => {
      const keys: number[] = []
      for (const [chunk, start] of list.spans(from)) {
        for (let i = start; i < chunk.length && keys.length < 1500; i++) keys.push(chunk[i]!.key)
      }
      return keys
    }
    for (const from of [0, 1, 1023, 1024, 2500, 4999]) {
      expect(walk(from)).toEqual(items.slice(from, from + 1500).map((i) => i.key))
      expect(list.slice(from, from + 700)).toEqual(items.slice(from, from + 700))
    }
    expect(walk(5000)).toEqual([])
    expect(walk(-1)).toEqual([])
  })

  it('deletes an item by identity when its key changed after it was inserted', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ key: i }))
    const list = SortedList.fromSorted(items, byKey)
    const moved = items[1234]!
    moved.key = 99999
    expect(list.delete(moved)).toBe(true)
    expect(list.length).toBe(2999)
    expect(list.slice(1233, 1235).map((i) => i.key)).toEqual([1233, 1235])
  })
})
