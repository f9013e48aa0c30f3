/**
 * The one clock and its one format: RFC 3339 UTC to the second, as the contract prints it
 * (`2026-03-26T10:00:00Z`). Such strings sort as text, so the databases store them as text.
 */
export type Clock = () => string

export function isoSeconds(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 19) + 'Z'
}

export const nowIso: Clock = () => isoSeconds(Date.now())

/** The timestamp `ms` milliseconds before (or, negative, after) `iso`. */
export function isoMinus(iso: string, ms: number): string {
  return isoSeconds(Date.parse(iso) - ms)
}
