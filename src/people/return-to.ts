/** Where a person lands after signing in when nothing (or nothing acceptable) was asked for. */
export const DEFAULT_RETURN_TO = '/console/'

const MAX_LENGTH = 2048

/**
 * The `return_to` of a sign-in, if it is a path of this origin: it starts with one `/` and is
 * not `//host` or `/\host` (which browsers read as another host), holds no control character, and
 * stays on this origin once resolved, outside /auth/. Anything else gives the default: an off-site target is never
 * followed (an open redirect would lend this service's name to a phishing page).
 */
export function safeReturnTo(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return DEFAULT_RETURN_TO
  // Browsers strip tabs and newlines from URLs and treat a backslash as a slash.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return DEFAULT_RETURN_TO
  if (!raw.startsWith('/') || raw.startsWith('//')) return DEFAULT_RETURN_TO
  const base = new URL('https://this-service.invalid')
  let resolved: URL
  try {
    resolved = new URL(raw, base)
  } catch {
    return DEFAULT_RETURN_TO
  }
  if (resolved.origin !== base.origin) return DEFAULT_RETURN_TO
  // Back into the sign-in itself would go round in circles.
  if (resolved.pathname === '/auth' || resolved.pathname.startsWith('/auth/')) return DEFAULT_RETURN_TO
  return resolved.pathname + resolved.search + resolved.hash
}
