import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { PeopleCookies, SESSION_COOKIE } from './cookies.js'
import { sessionCredential } from './credential.js'
import { RelyingParty } from './relying-party.js'
import { peopleRoutes } from './routes.js'
import { SessionStore } from './session-store.js'
import { Sessions } from './sessions.js'

/** Sign-ins from one address a minute: enough for an office behind one NAT, not for flooding the table of sign-ins. */
const SIGN_INS_PER_MINUTE = 120

/**
 * People's sign-in (api.md "People"): OpenID Connect against the organization's identity
 * provider, sessions in the shared database, CSRF rules for cookie writes. Nothing is registered
 * unless OIDC_ISSUER is set.
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const { oidc } = config
    if (!oidc) return
    const store = new SessionStore(app.database.db)
    const sessions = new Sessions(store, config.sessions)
    const relyingParty = new RelyingParty(oidc)
    const cookies = new PeopleCookies(app, config.publicUrl, oidc.redirectUri)
    const publicOrigin = new URL(config.publicUrl).origin
    app.access.addCredentialResolver(sessionCredential(sessions, cookies, publicOrigin))
    app.access.addSecurityScheme('sessionCookie', {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description: `A person's session, after signing in with ${oidc.providerName} at GET /auth/login (the console). Writes also need X-CSRF-Token (csrf_token of GET /api/v1/me) and an Origin of this service.`,
      'x-provider-name': oidc.providerName
    })
    await app.register(peopleRoutes, {
      relyingParty,
      sessions,
      store,
      cookies,
      publicOrigin,
      postLogoutRedirectUri: `${config.publicUrl}/console/`,
      signInRateLimit: { max: SIGN_INS_PER_MINUTE, timeWindow: 60_000 }
    })
  },
  { name: 'people', dependencies: ['database', 'cookie', 'access'] }
)
