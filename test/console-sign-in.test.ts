import { rmSync } from 'node:fs'
import type { Browser, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropDatabase, newDatabaseUrl, storeNames, within } from './support/app.js'
import { buildConsole, freshPage, launchBrowser, type ListeningApp, listenApp, seriousA11yViolations } from './support/browser.js'
import { startTestIssuer, type TestIssuer } from './support/oidc-issuer.js'
import { freePort } from './support/postgres.js'

/**
 * People sign in to the console with a real OpenID provider, in headless Chromium: two instances
 * of the service on one database (PostgreSQL when the suite has it; on SQLite alone, one instance,
 * since one process serves a SQLite file), the console served by the first. Sign in, see one's name and role, edit as an editor, be refused as a viewer, sign out
 * (at the issuer too), and the old cookie is refused by the second instance.
 * The issuer puts the roles in the ID token here (the API tests take them from userinfo).
 */
const OPS = 'console-sign-in-ops-token-0123456789'
const ORG = 'signin-org-1'
const store = storeNames().includes('postgres') ? 'postgres' : 'sqlite'

let browser: Browser
let consoleDir: string
let issuer: TestIssuer
let a: ListeningApp
let b: ListeningApp
let databaseUrl: string

async function api(base: string, method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body)
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined, setCookie: res.headers.getSetCookie() }
}

beforeAll(async () => {
  const [dir, started, portA, portB] = await Promise.all([buildConsole(), launchBrowser(), freePort(), freePort()])
  consoleDir = dir
  browser = started
  const baseA = `http://127.0.0.1:${portA}`
  const baseB = `http://127.0.0.1:${portB}`
  issuer = await startTestIssuer({
    redirectUris: [`${baseA}/auth/callback`, `${baseB}/auth/callback`],
    postLogoutRedirectUris: [`${baseA}/console/`, `${baseB}/console/`],
    claimsInIdToken: true
  })
  databaseUrl = await newDatabaseUrl(store)
  const env = (base: string) => ({
    ADMIN_TOKENS: `ops:${OPS}`,
    OIDC_ISSUER: issuer.issuer,
    OIDC_CLIENT_ID: issuer.clientId,
    OIDC_CLIENT_SECRET: issuer.clientSecret,
    OIDC_PROVIDER_NAME: 'Test IdP',
    PUBLIC_URL: base
  })
  a = await listenApp(env(baseA), '127.0.0.1', { consoleDir, databaseUrl, port: portA })
  // One process serves a SQLite file (it holds the file's lock): on SQLite alone the "other" instance is the same one.
  b = store === 'postgres' ? await listenApp(env(baseB), '127.0.0.1', { consoleDir, databaseUrl, port: portB }) : a
  const created = await api(a.base, 'POST', '/api/v1/vipps-orgs', {
    headers: { authorization: `Bearer ${OPS}` },
    body: {
      org_id: ORG,
      client_id: 'signin-client-1',
      client_secret_ref: `vault://orgs/${ORG}/vipps`,
      redirect_uri: `https://${ORG}.example.com/vipps/callback`,
      scopes: ['openid'],
      environment: 'test'
    }
  })
  expect(created.status).toBe(201)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await a?.close()
  if (b !== a) await b?.close()
  await issuer?.close()
  if (databaseUrl) await dropDatabase(databaseUrl)
  if (consoleDir) rmSync(consoleDir, { recursive: true, force: true })
})

/** A fresh browser profile (no cookie of the service or of the issuer); the console's own errors. */
const newPerson = () => freshPage(browser, a.base)

/** Through the issuer's own pages (its development login: any password), back to the console. */
async function signInAt(page: Page, login: string) {
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click()
  await page.waitForURL(`${issuer.issuer}/**`)
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('any')
  await page.locator('button[type="submit"]').click()
  // The consent page, the first time.
  await page.locator('button[type="submit"]').click()
  await page.waitForURL(`${a.base}/console/**`)
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 })

async function noSeriousA11y(page: Page, where: string) {
  const violations = await seriousA11yViolations(page)
  expect(violations, `axe on ${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([])
}

describe(`people sign in to the console [${store}, ${store === 'postgres' ? 'two instances' : 'one instance'}]`, () => {
  it('an editor signs in, sees their name and role, edits with the session’s CSRF token; signs out everywhere, and the old cookie is refused by the other instance', async () => {
    const { context, page, errors } = await newPerson()
    await page.goto(`${a.base}/console/orgs/${ORG}`)
    await expect.poll(() => heading(page).textContent()).toBe('Sign in')
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).waitFor()
    expect(await page.getByLabel('Admin token').count()).toBe(1) // a pasted key or token stays possible
    await noSeriousA11y(page, 'sign in with the identity provider')

    await signInAt(page, 'eddie.editor')
    // Back where the person was going, signed in.
    expect(new URL(page.url()).pathname).toBe(`/console/orgs/${ORG}`)
    await expect.poll(() => heading(page).textContent()).toBe(ORG)
    const who = page.locator('.who')
    await expect.poll(() => who.textContent()).toBe('Signed in as eddie@example.com (person) · editor')
    await noSeriousA11y(page, 'signed in')
    const [cookie] = (await context.cookies(a.base)).filter((c) => c.name === 'vipps_orgs_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(await page.evaluate('document.cookie')).not.toContain('vipps_orgs_session') // HttpOnly

    const puts: Request[] = []
    page.on('request', (request) => request.method() === 'PUT' && puts.push(request))
    await page.getByRole('button', { name: 'Edit', exact: true }).click()
    await page.getByLabel('Client id').fill('edited-by-eddie')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.locator('text=Saved: client_id').waitFor()
    expect(puts).toHaveLength(1)
    expect(puts[0]!.headers().authorization).toBeUndefined()
    expect(puts[0]!.headers()['x-csrf-token']).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const history = await api(a.base, 'GET', `/api/v1/vipps-orgs/${ORG}/history`, { headers: { authorization: `Bearer ${OPS}` } })
    expect(history.body.data.at(-1).actor).toEqual({ type: 'user', id: 'eddie.editor', name: 'eddie@example.com' })

    // Both instances know the session (one database).
    const csrf = puts[0]!.headers()['x-csrf-token']!
    const me = await api(b.base, 'GET', '/api/v1/me', { headers: { cookie: `vipps_orgs_session=${cookie!.value}` } })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ actor: { type: 'user', id: 'eddie.editor' }, role: 'editor', csrf_token: csrf })

    // Sign out: the session ends, then the issuer's own sign-out, then back to the console.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${issuer.issuer}/**`)
    await page.locator('button[autofocus], button[type="submit"]').first().click()
    await page.waitForURL(`${a.base}/console/**`)
    await expect.poll(() => heading(page).textContent()).toBe('Sign in')
    expect((await context.cookies(a.base)).some((c) => c.name === 'vipps_orgs_session')).toBe(false)

    // The old cookie on the other instance: no credential any more (401, and cleared), within 1 s.
    const stolen = { cookie: `vipps_orgs_session=${cookie!.value}` }
    await within(1_000, async () => (await api(b.base, 'GET', '/api/v1/me', { headers: stolen })).status === 401)
    const write = await api(b.base, 'PUT', `/api/v1/vipps-orgs/${ORG}`, {
      headers: { ...stolen, origin: b.base, 'x-csrf-token': csrf },
      body: { client_id: 'written-with-an-old-cookie' }
    })
    expect(write.status).toBe(401)
    expect(write.setCookie.some((line) => line.startsWith('vipps_orgs_session=;'))).toBe(true)
    expect((await api(b.base, 'GET', `/api/v1/vipps-orgs/${ORG}`)).body.client_id).toBe('edited-by-eddie')
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([])
    await context.close()
  })

  it('a viewer sees their role and is refused an edit (403, nothing changed)', async () => {
    const { context, page } = await newPerson()
    await page.goto(`${a.base}/console/`)
    await signInAt(page, 'vera.viewer')
    await expect.poll(() => page.locator('.who').textContent()).toBe('Signed in as vera@example.com (person) · viewer')
    await page.goto(`${a.base}/console/orgs/${ORG}`)
    await page.getByRole('button', { name: 'Edit', exact: true }).click()
    await page.getByLabel('Client id').fill('edited-by-vera')
    await page.getByRole('button', { name: 'Save changes' }).click()
    const refusal = page.locator('.error-box')
    await refusal.waitFor()
    expect(await refusal.textContent()).toMatch(/orgs:write/)
    expect((await api(a.base, 'GET', `/api/v1/vipps-orgs/${ORG}`)).body.client_id).toBe('edited-by-eddie')
    await noSeriousA11y(page, 'a viewer refused')
    await context.close()
  })

  it('a person with no recognised role is signed in with no right, and the console says so', async () => {
    const { context, page } = await newPerson()
    await page.goto(`${a.base}/console/`)
    await signInAt(page, 'nina.norole')
    await expect.poll(() => heading(page).textContent()).toBe('No access yet')
    await expect.poll(() => page.locator('.who').textContent()).toBe('Signed in as nina@example.com (person) · no role')
    expect(await page.locator('main').textContent()).toContain('gives you no role')
    await noSeriousA11y(page, 'no role')
    await context.close()
  })
})
