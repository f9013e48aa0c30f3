import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { problemResponses, problems } from '../http/problems.js'
import { jsonResponse } from '../http/responses.js'
import { SESSION_COOKIE, SIGN_IN_COOKIE, type PeopleCookies, SIGN_IN_TTL_MS } from './cookies.js'
import { csrfRefusal } from './csrf.js'
import { grantFromRoles } from './grant.js'
import { IssuerUnavailable, type RelyingParty, SignInFailed } from './relying-party.js'
import { safeReturnTo } from './return-to.js'
import { CallbackQuery, redirectResponse, SignedOut, SignInQuery } from './schemas.js'
import { digestOf, isId, newId, signInChecks } from './secrets.js'
import type { SessionStore } from './session-store.js'
import type { Sessions } from './sessions.js'

export interface PeopleRoutesOptions {
  relyingParty: RelyingParty
  sessions: Sessions
  store: SessionStore
  cookies: PeopleCookies
  /** PUBLIC_URL's origin: cookie writes must come from it. */
  publicOrigin: string
  /** Where the issuer sends the browser after its own sign-out. */
  postLogoutRedirectUri: string
  signInRateLimit: { max: number; timeWindow: number }
}

/** The request as logged: no query (a callback's carries the code and state), no headers. */
const withoutQuery = (request: FastifyRequest) => ({
  method: request.method,
  url: request.url.split('?')[0],
  host: request.host,
  remoteAddress: request.ip
})

const NO_STORE = 'no-store'
const tags = ['sign-in']

function issuerDown(request: FastifyRequest, err: IssuerUnavailable) {
  request.log.warn({ reason: err.message }, 'the identity provider is unavailable')
  return problems.unavailable('The identity provider does not answer; try signing in again in a moment')
}

/** GET /auth/login, GET /auth/callback, POST /auth/logout (api.md "People"). */
export const peopleRoutes: FastifyPluginAsyncTypebox<PeopleRoutesOptions> = async (app, options) => {
  const { relyingParty, sessions, store, cookies, publicOrigin, postLogoutRedirectUri } = options
  const logSerializers = { req: withoutQuery }

  app.get(
    '/auth/login',
    {
      logSerializers,
      config: { rateLimit: options.signInRateLimit },
      schema: {
        // A browser navigation answered by redirects, not an API operation (OpenAPI wants a 2xx): in the README.
        hide: true,
        operationId: 'signIn',
        summary: 'Sign a person in with the identity provider (a browser navigation)',
        description:
          'Redirects to the issuer (authorization code with PKCE S256, state and nonce); the sign-in is tied to this browser by a short-lived HttpOnly cookie.',
        tags,
        security: [],
        querystring: SignInQuery,
        response: { 302: redirectResponse('To the identity provider'), ...problemResponses }
      }
    },
    async (request, reply) => {
      const id = newId()
      let url: URL
      try {
        url = await relyingParty.authorizationUrl(signInChecks(id))
      } catch (err) {
        if (err instanceof IssuerUnavailable) throw issuerDown(request, err)
        throw err
      }
      const now = Date.now()
      await store.insertSignIn(digestOf(id), safeReturnTo(request.query.return_to), now + SIGN_IN_TTL_MS, now)
      cookies.setSignIn(reply, id)
      return reply.code(302).header('cache-control', NO_STORE).header('location', url.href).send()
    }
  )

  app.get(
    '/auth/callback',
    {
      logSerializers,
      config: { rateLimit: options.signInRateLimit },
      schema: {
        // A browser navigation answered by redirects, not an API operation (OpenAPI wants a 2xx): in the README.
        hide: true,
        operationId: 'signInCallback',
        summary: 'Where the identity provider sends the browser back (the redirect URI)',
        description:
          'Checks the state against this browser’s sign-in, the nonce and the ID token (signature against the issuer’s JWKS, issuer, audience, expiry), starts a session (cookie vipps_orgs_session) and redirects to return_to. Each sign-in completes at most once.',
        tags,
        security: [],
        querystring: CallbackQuery,
        response: { 302: redirectResponse('Signed in: to return_to'), ...problemResponses }
      }
    },
    async (request, reply) => {
      reply.header('cache-control', NO_STORE)
      cookies.clearSignIn(reply)
      const id = cookies.read(request, SIGN_IN_COOKIE)
      const signIn = isId(id) ? await store.takeSignIn(digestOf(id), Date.now()) : undefined
      if (!isId(id) || !signIn) {
        throw problems.signInFailed(
          'This browser has no sign-in waiting for this answer (it was used already, took longer than 10 minutes, or began in another browser): sign in again'
        )
      }
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
      let person
      try {
        person = await relyingParty.complete(query, signInChecks(id))
      } catch (err) {
        if (err instanceof IssuerUnavailable) throw issuerDown(request, err)
        if (err instanceof SignInFailed) {
          request.log.info({ reason: err.message }, 'sign-in refused')
          throw problems.signInFailed(`The identity provider’s answer did not pass the checks (${err.message}): sign in again`)
        }
        throw err
      }
      const grant = grantFromRoles(person.roles)
      const session = await sessions.start({ subject: person.subject, name: person.name, grant })
      request.log.info({ sub: person.subject, role: grant?.role ?? null, limited: grant?.orgIds !== null && grant !== null }, 'signed in')
      cookies.setSession(reply, session.id, sessions.limits.maxMs)
      return reply.code(302).header('location', signIn.returnTo).send()
    }
  )

  app.post(
    '/auth/logout',
    {
      schema: {
        operationId: 'signOut',
        summary: 'End this browser’s session, on every instance',
        description:
          'A cookie write like any other: Origin and X-CSRF-Token are required while the session is live. The cookie is cleared; end_session_url, where the issuer offers one, ends the session there too.',
        tags,
        security: [{}, { sessionCookie: [] }],
        response: { 200: jsonResponse(SignedOut, 'Signed out (also when no session was live)'), ...problemResponses }
      }
    },
    async (request, reply) => {
      reply.header('cache-control', NO_STORE)
      const id = cookies.read(request, SESSION_COOKIE)
      const person = id === undefined ? undefined : await sessions.resolve(id)
      if (person) {
        const refusal = csrfRefusal(request, person.csrfToken, publicOrigin)
        if (refusal) throw refusal
        await sessions.end(id)
        request.log.info({ sub: person.subject }, 'signed out')
      }
      if (id !== undefined) cookies.clearSession(reply)
      return { end_session_url: person ? await relyingParty.endSessionUrl(postLogoutRedirectUri) : null }
    }
  )
}
