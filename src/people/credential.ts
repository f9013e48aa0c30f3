import type { CredentialResolver } from '../http/access/credentials.js'
import type { Principal } from '../http/access/principal.js'
import { type PeopleCookies, SESSION_COOKIE } from './cookies.js'
import { csrfRefusal } from './csrf.js'
import type { Sessions } from './sessions.js'

const COOKIE_MARK = `${SESSION_COOKIE}=`

/**
 * People's sessions as a kind of credential of the access layer: the cookie `vipps_orgs_session`
 * on a request without an Authorization header (a bearer decides alone, and no CSRF rule touches
 * it). A live session is the person (actor `user`, the grant of their roles); a write must also
 * pass the CSRF rule (403 csrf_failed). An ended, expired or unknown cookie is no credential: it
 * is cleared and the request goes on as one without any.
 */
export function sessionCredential(sessions: Sessions, cookies: PeopleCookies, publicOrigin: string): CredentialResolver {
  return {
    name: 'session',
    presented: (head) => head.headers.authorization === undefined && head.headers.cookie?.includes(COOKIE_MARK) === true,
    async resolve(request, reply) {
      const person = await sessions.resolve(cookies.read(request, SESSION_COOKIE))
      if (!person) {
        cookies.clearSession(reply)
        return undefined
      }
      const refusal = csrfRefusal(request, person.csrfToken, publicOrigin)
      if (refusal) throw refusal
      const principal: Principal = {
        actor: { type: 'user', id: person.subject, name: person.name },
        grant: person.grant,
        expiresAt: person.expiresAt,
        via: 'cookie',
        csrfToken: person.csrfToken
      }
      return principal
    }
  }
}
