import type { Precondition } from '../orgs/service.js'

/** A strong entity tag from a config's version (it grows with every change of the org_id). */
export function etagOf(version: number): string {
  return `"${version}"`
}

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
  return (current) => list.includes(etagOf(current.version))
}
