import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export const SESSION_COOKIE = 'vipps_orgs_session'
export const SIGN_IN_COOKIE = 'vipps_orgs_sign_in'

/** A sign-in must come back from the issuer within this long. */
export const SIGN_IN_TTL_MS = 10 * 60_000

/**
 * The two cookies of people's sign-in, written and read with @fastify/cookie: HttpOnly (no
 * script reads them), SameSite=Lax (not sent with another site's POST, PUT or DELETE, but with
 * the issuer's redirect back), Secure when the service is reached over https.
 */
export class PeopleCookies {
  private readonly secure: boolean
  private readonly callbackPath: string

  constructor(
    private readonly app: FastifyInstance,
    publicUrl: string,
    redirectUri: string
  ) {
    this.secure = publicUrl.startsWith('https://')
    // The sign-in cookie goes back only to the callback, at the path browsers see it.
    this.callbackPath = new URL(redirectUri).pathname
  }

  read(request: FastifyRequest, name: string): string | undefined {
    const header = request.headers.cookie
    if (!header) return undefined
    return this.app.parseCookie(header)[name]
  }

  private write(reply: FastifyReply, name: string, value: string, path: string, maxAgeSeconds: number): void {
    reply.header('set-cookie', this.app.serializeCookie(name, value, { httpOnly: true, sameSite: 'lax', secure: this.secure, path, maxAge: maxAgeSeconds }))
  }

  setSession(reply: FastifyReply, id: string, maxAgeMs: number): void {
    this.write(reply, SESSION_COOKIE, id, '/', Math.floor(maxAgeMs / 1000))
  }

  clearSession(reply: FastifyReply): void {
    this.write(reply, SESSION_COOKIE, '', '/', 0)
  }

  setSignIn(reply: FastifyReply, id: string): void {
    this.write(reply, SIGN_IN_COOKIE, id, this.callbackPath, SIGN_IN_TTL_MS / 1000)
  }

  clearSignIn(reply: FastifyReply): void {
    this.write(reply, SIGN_IN_COOKIE, '', this.callbackPath, 0)
  }
}
