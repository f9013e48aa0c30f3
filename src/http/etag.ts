// The tags of the first versions, made once: a cache of 100,000 configs holds 100,000 tags,
// nearly all of them "1", "2" or "3", and shares these instead of a string each.
const SMALL_TAGS = Array.from({ length: 64 }, (_, version) => `"${version}"`)

/** A strong entity tag from a version number (it grows with every change of the resource). */
export function etagOf(version: number): string {
  return SMALL_TAGS[version] ?? `"${version}"`
}

/** Checked against the live version before a write (If-Match); false answers 412. */
export type Precondition = (version: number) => boolean

function tags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '')
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2). */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return tags(header).some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag)
}

/** If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag never matches. */
export function ifMatchPrecondition(header: string | undefined): Precondition | undefined {
  if (header === undefined) return undefined
  const list = tags(header)
  if (list.includes('*')) return () => true
  return (version) => list.includes(etagOf(version))
}
