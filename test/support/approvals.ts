/** What the four-eyes suites share: the change requests' path, people and their tokens. */
export const CR = '/api/v1/change-requests'

/** Three people with admin tokens; alice has two (the same actor whatever token she uses). */
export const TOKENS = {
  alice: 'alice-token-0123456789abcdef',
  alice2: 'alice-second-token-0123456789',
  bob: 'bob-token-0123456789abcdef',
  carol: 'carol-token-0123456789abcdef'
}
export const APPROVAL_ENV = {
  APPROVALS: 'production',
  ADMIN_TOKENS: `alice:${TOKENS.alice},alice:${TOKENS.alice2},bob:${TOKENS.bob},carol:${TOKENS.carol}`
}
