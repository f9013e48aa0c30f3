/** The one clock: RFC 3339 UTC to the second, as the contract prints it (`2026-03-26T10:00:00Z`). */
export function nowIso(): string {
  return new Date().toISOString().slice(0, 19) + 'Z'
}
