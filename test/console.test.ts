import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildConsole,
  collectConsoleErrors,
  launchBrowser,
  type ListeningApp,
  listenApp,
  seriousA11yViolations
} from './support/browser.js'
import { Webhook as Verifier } from 'standardwebhooks'
import { startReceiver } from './support/webhook-receiver.js'

/**
 * The admin console (issue 13) in headless Chromium against the real service on a real port:
 * the console built by Vite, served by the app with its CSP, talking to the API as an admin would.
 * One browser for the file; the steps run in order, as one admin session.
 */
const ALICE = 'console-token-alice-0123456789'
const OPS = 'console-token-ops-9876543210'
const ORG = 'console-new-1'
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1'
const DOCS = join(import.meta.dirname, '..', 'docs')

let browser: Browser
let context: BrowserContext
let page: Page
let server: ListeningApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let consoleErrors: string[]
let consoleDir: string
/** The secret the console showed when the webhook endpoint was created. */
let createdSecret = ''

/** The API as a second writer (another admin, a provisioning script). */
async function api(method: string, path: string, body?: unknown, token = OPS) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, etag: res.headers.get('etag'), body: text ? JSON.parse(text) : undefined }
}

async function noSeriousA11y(where: string) {
  const violations = await seriousA11yViolations(page)
  expect(violations, `axe on ${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([])
}

const heading = () => page.getByRole('heading', { level: 1 })

/** A PNG's width and height, from its IHDR chunk (after the signature, checked). */
function pngSize(png: Buffer): number[] {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  return [png.readUInt32BE(16), png.readUInt32BE(20)]
}

/**
 * What a screenshot of `area` (from the page's top left) shows, read from the page: the text of
 * each element the selectors match that is rendered (a table row's cells joined by " | "), noted
 * when it is (partly) outside the area. The screenshot tests assert this rather than pixels:
 * Chromium builds and fonts (the npm one, Debian's) draw the same page differently.
 */
async function pictured(target: Page, area: { width: number; height: number }, selectors: Record<string, string>) {
  // Run in the page (the tests are compiled without the DOM's types, so as source text).
  const read = `(({ area, selectors }) => {
    const text = (el) =>
      el.tagName === 'TR' ? [...el.children].map((cell) => cell.textContent.trim()).join(' | ') : (el.textContent ?? '').trim()
    const seen = (el) => {
      const box = el.getBoundingClientRect()
      const top = box.top + window.scrollY
      if (box.left < 0 || top < 0 || box.right > area.width || top + box.height > area.height) return '(outside) ' + text(el)
      return text(el)
    }
    const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
    return Object.fromEntries(Object.entries(selectors).map(([name, selector]) => [name, [...document.querySelectorAll(selector)].filter(shown).map(seen)]))
  })(${JSON.stringify({ area, selectors })})`
  return (await target.evaluate(read)) as Record<string, string[]>
}

beforeAll(async () => {
  const [dir, started] = await Promise.all([buildConsole(), launchBrowser()])
  browser = started
  consoleDir = dir
  server = await listenApp({ ADMIN_TOKENS: `alice:${ALICE},ops:${OPS}` }, '127.0.0.1', { consoleDir: dir })
  receiver = await startReceiver()
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base })
  page = await context.newPage()
  page.setDefaultTimeout(10_000)
  consoleErrors = collectConsoleErrors(page)
  for (const [orgId, clientId] of <[string, string][]>[
    ['console-alpha-1', 'c0ffee00-aaaa-4000-8000-000000000001'],
    ['console-alpha-2', 'c0ffee00-aaaa-4000-8000-000000000002'],
    ['console-beta-1', 'beta-client-1'],
    ['klinikk-nord', 'c0ffee00-bbbb-4000-8000-000000000003']
  ]) {
    const created = await api('POST', '/api/v1/vipps-orgs', {
      org_id: orgId,
      client_id: clientId,
      client_secret_ref: `vault://orgs/${orgId}/vipps`,
      redirect_uri: `https://${orgId}.example.com/vipps/callback`,
      scopes: ['openid', 'name', 'phoneNumber'],
      environment: orgId.includes('beta') ? 'test' : 'production'
    })
    expect(created.status).toBe(201)
  }
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await receiver?.close()
  if (consoleDir) rmSync(consoleDir, { recursive: true, force: true })
})

describe('the console is served with a strict CSP', () => {
  it('at /console/ with default-src self, no inline script, no framing; client routes are the same page', async () => {
    for (const path of ['/console/', '/console/orgs/anything', '/console/webhooks']) {
      const res = await fetch(`${server.base}${path}`)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).not.toContain('unsafe-eval')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      const html = await res.text()
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
      const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1]
      const asset = await fetch(`${server.base}${script}`)
      expect(asset.status).toBe(200)
      expect(asset.headers.get('cache-control')).toContain('immutable')
    }
    expect((await fetch(`${server.base}/console`)).status).toBe(200)
    expect((await fetch(`${server.base}/console/assets/nothing-here.js`)).status).toBe(404)
  })
})

describe('the console in Chromium', () => {
  it('asks for the admin token, refuses a wrong one beside the field, keeps a good one in sessionStorage only', async () => {
    await page.goto(`${server.base}/console/`)
    await expect.poll(() => heading().textContent()).toBe('Sign in')
    await noSeriousA11y('sign in')
    await page.getByLabel('Admin token').fill('not-a-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('#token-error').waitFor()
    expect(await page.locator('#token-error').textContent()).toContain('does not accept')
    expect(await page.getByLabel('Admin token').getAttribute('aria-invalid')).toBe('true')
    await page.getByLabel('Admin token').fill(ALICE)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => heading().textContent()).toBe('Organizations')
    const storage = (await page.evaluate('({ session: { ...sessionStorage }, local: { ...localStorage } })')) as { session: Record<string, string>; local: Record<string, string> }
    expect(Object.values(storage.session)).toContain(ALICE)
    expect(JSON.stringify(storage.local)).not.toContain(ALICE)
    expect(await page.locator('.banner').count()).toBe(0) // writes need a token here
    await expect.poll(() => page.locator('.top .who').textContent()).toBe('Signed in as alice (admin token) · admin')
    await page.locator('table').waitFor()
    await noSeriousA11y('org list')
  })

  it('lists with the total, searches by prefix; the URL keeps search and filters (back and reload work)', async () => {
    const count = () => page.locator('.count').textContent()
    await expect.poll(count, { timeout: 10_000 }).toContain('4 organizations')
    await page.getByLabel('Search').fill('console-alpha')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/\?q=console-alpha$/)
    await expect.poll(count, { timeout: 10_000 }).toContain('2 organizations starting with “console-alpha”')
    expect(await page.locator('tbody th').allTextContents()).toEqual(['console-alpha-1', 'console-alpha-2'])
    // by client id prefix too, whatever the case
    await page.getByLabel('Search').fill('C0FFEE00-AAAA')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/\?q=C0FFEE00-AAAA$/)
    await expect.poll(count, { timeout: 10_000 }).toContain('2 organizations starting with “C0FFEE00-AAAA”')
    await page.getByLabel('Search').fill('console')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/\?q=console$/)
    await expect.poll(count, { timeout: 10_000 }).toContain('3 organizations')
    await page.getByLabel('Environment').selectOption('test')
    await page.waitForURL(/environment=test/)
    await expect.poll(count, { timeout: 10_000 }).toContain('1 organization starting with “console”')
    expect(await page.locator('tbody th').allTextContents()).toEqual(['console-beta-1'])
    await page.reload()
    await expect.poll(count, { timeout: 10_000 }).toContain('1 organization starting with “console”')
    expect(await page.getByLabel('Search').inputValue()).toBe('console')
    expect(await page.getByLabel('Environment').inputValue()).toBe('test')
    await page.goBack()
    await expect.poll(count, { timeout: 10_000 }).toContain('3 organizations')
    expect(await page.getByLabel('Environment').inputValue()).toBe('')
    await page.goto(`${server.base}/console/`)
    await expect.poll(count, { timeout: 10_000 }).toContain('4 organizations')
  })

  it('create: a bad redirect URI is shown beside the field, nothing typed is lost; fixed, it creates', async () => {
    await page.getByRole('link', { name: 'New organization' }).click()
    await expect.poll(() => heading().textContent()).toBe('New organization')
    await page.getByLabel('Org id').fill(ORG)
    await page.getByLabel('Client id').fill('11111111-2222-4333-8444-555555555555')
    await page.getByLabel('Client secret reference').fill(`vault://orgs/${ORG}/vipps`)
    await page.getByLabel('Redirect URI').fill('http://app.example.com/vipps/callback')
    await page.getByLabel('email').check()
    await page.getByLabel('Environment', { exact: true }).selectOption('production')
    await page.getByRole('button', { name: 'Create organization' }).click()
    const error = page.locator('#field-redirect_uri-error')
    await error.waitFor()
    expect((await error.textContent())?.length).toBeGreaterThan(5)
    const redirect = page.getByLabel('Redirect URI')
    expect(await redirect.getAttribute('aria-invalid')).toBe('true')
    expect(await redirect.getAttribute('aria-describedby')).toContain('field-redirect_uri-error')
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('field-redirect_uri') // focus moves in the next frame
    // nothing lost
    expect(await page.getByLabel('Org id').inputValue()).toBe(ORG)
    expect(await page.getByLabel('Client secret reference').inputValue()).toBe(`vault://orgs/${ORG}/vipps`)
    expect(await redirect.inputValue()).toBe('http://app.example.com/vipps/callback')
    expect(await page.getByLabel('email').isChecked()).toBe(true)
    expect(await page.getByLabel('Environment', { exact: true }).inputValue()).toBe('production')
    expect(await page.getByLabel('Org id').getAttribute('aria-invalid')).toBeNull()
    await noSeriousA11y('create form with an error')

    await redirect.fill('https://app.example.com/vipps/callback')
    await page.getByRole('button', { name: 'Create organization' }).click()
    await page.waitForURL(`**/console/orgs/${ORG}`)
    await expect.poll(() => heading().textContent()).toBe(ORG)
    await page.locator(`text=Created ${ORG}.`).waitFor()
    const stored = await api('GET', `/api/v1/vipps-orgs/${ORG}`)
    expect(stored.body).toMatchObject({ redirect_uri: 'https://app.example.com/vipps/callback', scopes: ['openid', 'email'], environment: 'production' })
    await noSeriousA11y('org detail')
  })

  it('test login links to Vipps’s authorize URL for this org (S256 PKCE, state)', async () => {
    const link = page.getByRole('link', { name: 'Test login with Vipps' })
    const href = new URL((await link.getAttribute('href'))!)
    expect(href.origin + href.pathname).toBe('https://api.vipps.no/access-management-1.0/access/oauth2/auth')
    expect(href.searchParams.get('client_id')).toBe('11111111-2222-4333-8444-555555555555')
    expect(href.searchParams.get('redirect_uri')).toBe('https://app.example.com/vipps/callback')
    expect(href.searchParams.get('scope')).toBe('openid email')
    expect(href.searchParams.get('response_type')).toBe('code')
    expect(href.searchParams.get('code_challenge_method')).toBe('S256')
    expect(href.searchParams.get('state')!.length).toBeGreaterThanOrEqual(8)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toContain('noopener')
  })

  it('edit sends If-Match and saves only what changed', async () => {
    const puts: Request[] = []
    page.on('request', (request) => request.method() === 'PUT' && puts.push(request))
    await page.getByRole('button', { name: 'Edit', exact: true }).click()
    await page.getByLabel('Client id').fill('client-edited-by-alice')
    // The README's second picture: the edit form, the whole page.
    const png = await page.screenshot({ fullPage: true })
    const size = await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.scrollHeight]')
    expect(pngSize(png)).toEqual(size)
    const shown = await pictured(page, { width: 1280, height: (size as number[])[1]! }, {
      heading: 'h1',
      sections: 'main h2',
      labels: 'form label',
      buttons: 'form button'
    })
    expect(shown).toEqual({
      heading: [ORG],
      sections: ['Status', 'Configuration', 'History', 'Delete'],
      labels: expect.arrayContaining(['Client id', 'Client secret reference', 'Redirect URI', 'Environment', 'Vipps login enabled', 'openid (required)', 'email']),
      buttons: ['Save changes', 'Cancel']
    })
    expect(await page.getByLabel('Client id').inputValue()).toBe('client-edited-by-alice')
    expect(await page.getByLabel('email').isChecked()).toBe(true)
    if (SHOTS) writeFileSync(join(DOCS, 'console-edit.png'), png)
    await noSeriousA11y('edit form')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.locator('text=Saved: client_id').waitFor()
    expect(puts).toHaveLength(1)
    expect(puts[0]!.headers()['if-match']).toBe('"1"')
    const history = await api('GET', `/api/v1/vipps-orgs/${ORG}/history`)
    expect(Object.keys(history.body.data[1].changes)).toEqual(['client_id'])
    expect(history.body.data[1].actor).toEqual({ type: 'token', id: 'alice', name: 'alice' })
    expect(puts[0]!.headers().authorization).toBe(`Bearer ${ALICE}`)
  })

  it('a second writer between load and save: 412 shows what they changed; re-apply keeps both', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click()
    await page.getByLabel('Redirect URI').fill('https://app.example.com/vipps/callback2')
    const theirs = await api('PUT', `/api/v1/vipps-orgs/${ORG}`, { client_secret_ref: 'vault://orgs/rotated/vipps' })
    expect(theirs.status).toBe(200)
    await page.getByRole('button', { name: 'Save changes' }).click()
    const conflict = page.locator('.conflict')
    await conflict.waitFor()
    const text = (await conflict.textContent()) ?? ''
    expect(text).toContain('Someone else changed this organization')
    expect(text).toContain('ops')
    expect(text).toContain('client_secret_ref')
    expect(text).toContain('vault://orgs/rotated/vipps')
    expect(text).toContain('callback2')
    await page.getByRole('button', { name: 'Reload and discard my changes' }).waitFor()
    await noSeriousA11y('412 conflict')
    await page.getByRole('button', { name: 'Re-apply my changes' }).click()
    await page.locator('text=Saved: redirect_uri').waitFor()
    const stored = await api('GET', `/api/v1/vipps-orgs/${ORG}`)
    expect(stored.body).toMatchObject({
      client_id: 'client-edited-by-alice',
      client_secret_ref: 'vault://orgs/rotated/vipps',
      redirect_uri: 'https://app.example.com/vipps/callback2'
    })
    expect(stored.etag).toBe('"4"')
  })

  it('disable asks first in production, then switches in one click', async () => {
    await page.getByRole('button', { name: 'Disable Vipps login' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('in production')
    await noSeriousA11y('disable confirmation')
    await dialog.getByRole('button', { name: 'Disable Vipps login' }).click()
    await page.locator('.badge.off').waitFor()
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}/status`)).body.vipps_enabled).toBe(false)
  })

  it('history shows each change: who, when, each field from → to', async () => {
    const events = page.locator('.timeline .event')
    await expect.poll(() => events.count()).toBe(5)
    const texts = await events.allTextContents()
    // newest first
    expect(texts[0]).toMatch(/Version 5: update\s*by alice/)
    expect(texts[0]).toContain('vipps_enabled: true → false')
    expect(texts[1]).toMatch(/Version 4: update\s*by alice/)
    expect(texts[2]).toMatch(/Version 3: update\s*by ops/)
    expect(texts[3]).toMatch(/Version 2: update\s*by alice/)
    expect(texts[3]).toContain('client_id: 11111111-2222-4333-8444-555555555555 → client-edited-by-alice')
    expect(texts[4]).toMatch(/Version 1: create\s*by alice/)
    await page.locator('text=Last change: version 5, update by alice').waitFor()
  })

  it('after a 412, reload discards the admin’s edits and shows the other writer’s state', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click()
    await page.getByLabel('Client id').fill('never-saved')
    expect((await api('PUT', `/api/v1/vipps-orgs/${ORG}`, { scopes: ['openid', 'name'] })).status).toBe(200)
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.locator('.conflict').waitFor()
    await page.getByRole('button', { name: 'Reload and discard my changes' }).click()
    await page.locator('.conflict').waitFor({ state: 'detached' })
    await page.locator('dd', { hasText: 'openid, name' }).waitFor()
    expect(await page.locator('dl.fields').textContent()).toContain('client-edited-by-alice')
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.client_id).toBe('client-edited-by-alice')
  })

  it('a 412 on an org of 150 versions shows the other writer’s change (past the history’s first page)', async () => {
    const LONG = 'history-long'
    const created = await api('POST', '/api/v1/vipps-orgs', {
      org_id: LONG,
      client_id: 'long-1',
      client_secret_ref: 'vault://orgs/history-long/vipps',
      redirect_uri: 'https://history-long.example.com/vipps/callback',
      environment: 'test'
    })
    expect(created.status).toBe(201)
    // Versions 2 … 149, then the other writer's version 150: far past the first page (100 events).
    for (let i = 2; i <= 149; i++) expect((await api('PUT', `/api/v1/vipps-orgs/${LONG}`, { client_id: `long-${i}` })).status).toBe(200)
    try {
      await page.goto(`${server.base}/console/orgs/${LONG}`)
      await page.getByRole('button', { name: 'Edit', exact: true }).click()
      await page.getByLabel('Client id').fill('long-mine')
      const theirs = await api('PUT', `/api/v1/vipps-orgs/${LONG}`, { scopes: ['openid', 'email'] })
      expect([theirs.status, theirs.etag]).toEqual([200, '"150"'])
      await page.getByRole('button', { name: 'Save changes' }).click()
      const conflict = page.locator('.conflict')
      await conflict.waitFor()
      const text = (await conflict.textContent()) ?? ''
      expect(text).toContain('Someone else changed this organization')
      expect(text).toContain('scopes')
      expect(text).toContain('openid, email')
      expect(text).toContain('long-mine')
      expect(text).not.toContain('no field change')
    } finally {
      expect((await api('DELETE', `/api/v1/vipps-orgs/${LONG}`)).status).toBe(200)
      await page.goto(`${server.base}/console/orgs/${ORG}`)
    }
  })

  it('a 412 whose view cannot be built (the history does not answer) says so, and keeps the edit', async () => {
    const SHORT = 'history-fails'
    expect(
      (
        await api('POST', '/api/v1/vipps-orgs', {
          org_id: SHORT,
          client_id: 'short-1',
          client_secret_ref: 'vault://orgs/history-fails/vipps',
          redirect_uri: 'https://history-fails.example.com/vipps/callback',
          environment: 'test'
        })
      ).status
    ).toBe(201)
    const history = `**/api/v1/vipps-orgs/${SHORT}/history?**`
    try {
      await page.goto(`${server.base}/console/orgs/${SHORT}`)
      await page.getByRole('button', { name: 'Edit', exact: true }).click()
      await page.getByLabel('Client id').fill('short-mine')
      expect((await api('PUT', `/api/v1/vipps-orgs/${SHORT}`, { client_id: 'short-theirs' })).status).toBe(200)
      await page.route(history, (route) => route.abort('connectionreset'))
      const errorsBefore = consoleErrors.length
      await page.getByRole('button', { name: 'Save changes' }).click()
      const alert = page.locator('.error-box')
      await alert.waitFor()
      // The browser logs the resets this test makes; nothing else is allowed (checked below).
      const made = consoleErrors.splice(errorsBefore)
      expect(made.length).toBeGreaterThan(0)
      expect(made.filter((e) => !e.includes('net::ERR_CONNECTION_RESET') && !/status of 412/.test(e))).toEqual([])
      expect(await alert.textContent()).toContain('does not answer')
      expect(await page.locator('.conflict').count()).toBe(0)
      expect(await page.getByLabel('Client id').inputValue()).toBe('short-mine')
      // The history answers again: saving again shows the conflict.
      await page.unroute(history)
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.locator('.conflict').waitFor()
      expect(await page.locator('.conflict').textContent()).toContain('short-theirs')
    } finally {
      await page.unroute(history)
      expect((await api('DELETE', `/api/v1/vipps-orgs/${SHORT}`)).status).toBe(200)
      await page.goto(`${server.base}/console/orgs/${ORG}`)
    }
  })

  it('delete asks for the org id typed out, then removes it', async () => {
    await page.getByRole('button', { name: 'Delete organization…' }).click()
    const dialog = page.getByRole('dialog')
    const confirm = dialog.getByRole('button', { name: 'Delete', exact: true })
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByLabel('Type the org id to confirm').fill('console-new')
    expect(await confirm.isDisabled()).toBe(true)
    await noSeriousA11y('delete confirmation')
    await dialog.getByLabel('Type the org id to confirm').fill(ORG)
    await confirm.click()
    await page.waitForURL(/\/console\/$/)
    await page.locator(`text=Deleted ${ORG}.`).waitFor()
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).status).toBe(404)
  })

  it('webhooks: create shows the secret once with a copy button; deliveries; send a test event', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click()
    await expect.poll(() => heading().textContent()).toBe('Webhooks')
    await page.locator('text=No webhook endpoint yet.').waitFor()
    await noSeriousA11y('webhooks (empty)')
    await page.getByLabel('URL').fill(`${receiver.url}/hooks/vipps`)
    await page.getByLabel('Description').fill('Console test receiver')
    await page.getByRole('button', { name: 'Create endpoint' }).click()
    const secret = page.locator('#webhook-secret')
    await secret.waitFor()
    const value = (await secret.textContent()) ?? ''
    expect(value).toMatch(/^whsec_[A-Za-z0-9+/=]+$/)
    createdSecret = value
    await page.getByRole('button', { name: 'Copy secret' }).click()
    await page.locator('text=Copied to the clipboard.').waitFor()
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(value)
    await page.locator('tbody th').first().waitFor()
    await noSeriousA11y('webhooks with a new secret')
    await page.reload()
    await page.locator('tbody th').first().waitFor()
    expect(await page.locator('#webhook-secret').count()).toBe(0) // shown once
    expect(await page.content()).not.toContain(value)

    await page.getByRole('link', { name: `${receiver.url}/hooks/vipps` }).click()
    await expect.poll(() => heading().textContent()).toBe('Webhook endpoint')
    await page.getByRole('button', { name: 'Send test event' }).click()
    await page.locator('text=queued').waitFor()
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click()
          return page.locator('.delivery-succeeded').count()
        },
        { timeout: 20_000, interval: 500 }
      )
      .toBeGreaterThan(0)
    expect(await page.locator('tbody').textContent()).toContain('webhook.test')
    expect(receiver.received.some((r) => r.body.includes('webhook.test'))).toBe(true)
    await noSeriousA11y('webhook deliveries')
  })

  it('webhooks: edit an endpoint (errors beside the fields, only what changed is sent)', async () => {
    // On the endpoint's page, where the step above ended.
    await page.getByRole('link', { name: 'Edit endpoint' }).click()
    await expect.poll(() => heading().textContent()).toBe('Edit webhook endpoint')
    const url = page.getByLabel('URL')
    expect(await url.inputValue()).toBe(`${receiver.url}/hooks/vipps`)
    expect(await page.getByLabel('Description').inputValue()).toBe('Console test receiver')
    expect(await page.getByLabel('vipps_org.deleted').isChecked()).toBe(true)
    expect(await page.getByRole('switch', { name: 'Enabled' }).isChecked()).toBe(true)
    await page.getByLabel('Description').fill('Edited in the console')
    await page.getByLabel('vipps_org.deleted').uncheck()
    await page.getByRole('switch', { name: 'Enabled' }).uncheck()
    await url.fill('ftp://hooks.example.com/in')
    const puts: Request[] = []
    const record = (request: Request) => request.method() === 'PUT' && puts.push(request)
    page.on('request', record)
    try {
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.locator('#field-url-error').waitFor()
      expect(await url.getAttribute('aria-invalid')).toBe('true')
      await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('field-url')
      expect(await page.getByLabel('Description').inputValue()).toBe('Edited in the console') // nothing lost
      await noSeriousA11y('webhook edit with an error')
      await url.fill(`${receiver.url}/hooks/vipps`)
      await page.getByRole('button', { name: 'Save changes' }).click()
      await expect.poll(() => heading().textContent()).toBe('Webhook endpoint')
      await page.locator('text=Saved: description, event_types, enabled.').waitFor()
    } finally {
      page.off('request', record)
    }
    expect(puts.map((p) => JSON.parse(p.postData() ?? '{}') as unknown).at(-1)).toEqual({
      description: 'Edited in the console',
      event_types: ['vipps_org.created', 'vipps_org.updated'],
      enabled: false
    })
    const hooks = await api('GET', '/api/v1/webhooks')
    expect(hooks.body.data[0]).toMatchObject({ description: 'Edited in the console', event_types: ['vipps_org.created', 'vipps_org.updated'], enabled: false })
    expect(await page.locator('dl.fields').textContent()).toContain('Edited in the console')
  })

  it('webhooks: rotate the secret: the new one shown once with a copy button, and deliveries signed with it', async () => {
    await page.getByRole('link', { name: 'Rotate secret' }).click()
    await expect.poll(() => heading().textContent()).toBe('Rotate signing secret')
    await noSeriousA11y('rotate secret')
    await page.getByRole('button', { name: 'Rotate secret' }).click()
    const secret = page.locator('#webhook-secret')
    await secret.waitFor()
    const rotated = (await secret.textContent()) ?? ''
    expect(rotated).toMatch(/^whsec_[A-Za-z0-9+/=]+$/)
    expect(rotated).not.toBe(createdSecret)
    await page.getByRole('button', { name: 'Copy secret' }).click()
    await page.locator('text=Copied to the clipboard.').waitFor()
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(rotated)
    await noSeriousA11y('rotate secret with the new secret')
    // A test event (sent while disabled too) is signed with the new secret and, for a day, the old one.
    const before = receiver.received.length
    const hookId = (await api('GET', '/api/v1/webhooks')).body.data[0].id as string
    expect((await api('POST', `/api/v1/webhooks/${hookId}/test`)).status).toBe(202)
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBeGreaterThan(before)
    const delivery = receiver.received.at(-1)!
    const headers = delivery.headers as Record<string, string>
    expect((new Verifier(rotated).verify(delivery.body, headers) as { type: string }).type).toBe('webhook.test')
    expect((new Verifier(createdSecret).verify(delivery.body, headers) as { type: string }).type).toBe('webhook.test')
    // Shown once: gone after a reload.
    await page.reload()
    await expect.poll(() => heading().textContent()).toBe('Rotate signing secret')
    expect(await page.locator('#webhook-secret').count()).toBe(0)
    expect(await page.content()).not.toContain(rotated)
    await page.getByRole('link', { name: 'Back to the endpoint' }).click()
    await expect.poll(() => heading().textContent()).toBe('Webhook endpoint')
  })

  it('is usable from the keyboard with a visible focus', async () => {
    await page.goto(`${server.base}/console/`)
    await page.locator('table').waitFor()
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content')
    await page.keyboard.press('Enter')
    expect(await page.evaluate('document.activeElement?.id')).toBe('main')
    // Tab to "New organization" and follow it with Enter
    let reached = false
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = (await page.evaluate('document.activeElement?.textContent')) === 'New organization'
    }
    expect(reached).toBe(true)
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')
    expect(outline).not.toBe('none')
    await page.keyboard.press('Enter')
    await expect.poll(() => heading().textContent()).toBe('New organization')
    // Focus moves to the heading once the page has rendered (a frame after the text changes).
    await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('H1')
    const landmarks = await page.evaluate("['header', 'nav', 'main', 'footer'].map((tag) => document.querySelectorAll(tag).length)")
    expect(landmarks).toEqual([1, 1, 1, 1])
  })

  it('works at 360 px wide', async () => {
    await page.setViewportSize({ width: 360, height: 740 })
    const hookId = (await api('GET', '/api/v1/webhooks')).body.data[0].id as string
    for (const path of ['/console/', '/console/orgs/console-alpha-1', '/console/orgs/new', '/console/webhooks', `/console/webhooks/${hookId}/edit`, `/console/webhooks/${hookId}/rotate-secret`]) {
      await page.goto(`${server.base}${path}`)
      await page.locator('h1').waitFor()
      await page.locator('.loading').waitFor({ state: 'detached' })
      const overflow = await page.evaluate('document.documentElement.scrollWidth')
      expect(overflow, path).toBeLessThanOrEqual(360)
      await noSeriousA11y(`${path} at 360 px`)
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('the README’s screenshot of the organizations shows what it says: checked on the page, every run', async () => {
    await page.goto(`${server.base}/console/`)
    await page.locator('table').waitFor()
    await page.locator('.loading').waitFor({ state: 'detached' })
    const png = await page.screenshot()
    expect(pngSize(png)).toEqual([1280, 900])
    // What the 1280 × 900 picture holds, read from the page: each element visible and inside it.
    expect(await pictured(page, { width: 1280, height: 900 }, {
      top: 'header.top a, header.top button',
      heading: 'h1',
      actions: 'main a.button, main button',
      filters: 'main label',
      count: '.count',
      columns: 'thead th',
      rows: 'tbody tr'
    })).toEqual({
      top: ['vipps-orgs console', 'Organizations', 'Pending changes', 'Webhooks', 'API docs', 'Sign out'],
      heading: ['Organizations'],
      actions: ['New organization', 'Search'],
      filters: ['Search', 'Environment', 'Vipps login enabled'],
      count: ['4 organizations; page 1 of 1.'],
      columns: ['Org id', 'Client id', 'Environment', 'Enabled', 'Created'],
      rows: [
        expect.stringMatching(/^console-alpha-1 \| c0ffee00-aaaa-4000-8000-000000000001 \| production \| Yes \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
        expect.stringMatching(/^console-alpha-2 \| c0ffee00-aaaa-4000-8000-000000000002 \| production \| Yes \| /),
        expect.stringMatching(/^console-beta-1 \| beta-client-1 \| test \| Yes \| /),
        expect.stringMatching(/^klinikk-nord \| c0ffee00-bbbb-4000-8000-000000000003 \| production \| Yes \| /)
      ]
    })
    // Styled as pictured (the stylesheet loaded under the CSP): the brand bar, the filters' values.
    expect(await page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")).toBe('rgb(90, 34, 200)')
    expect(await page.getByLabel('Environment').inputValue()).toBe('')
    if (SHOTS) writeFileSync(join(DOCS, 'console-orgs.png'), png)
  })

  it('the README’s screenshots are the sizes the steps above take', () => {
    expect(pngSize(readFileSync(join(DOCS, 'console-orgs.png')))).toEqual([1280, 900])
    expect(pngSize(readFileSync(join(DOCS, 'console-edit.png')))[0]).toBe(1280)
  })

  it('no console errors (CSP or script) on any page so far', () => {
    expect(consoleErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([])
  })

  it('says clearly when the service is down, instead of a blank page', async () => {
    await page.goto(`${server.base}/console/`)
    await page.locator('table').waitFor()
    await server.kill()
    await page.getByRole('link', { name: 'console-alpha-1' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('does not answer')
    await page.getByRole('button', { name: 'Try again' }).waitFor()
  })
})

describe('the console on servers configured otherwise', () => {
  it('with writes open (no ADMIN_TOKENS, development): no sign-in, and a visible banner says so', async () => {
    const open = await listenApp({}, '127.0.0.1', { consoleDir })
    const tab = await browser.newPage()
    try {
      await tab.goto(`${open.base}/console/`)
      await tab.locator('.count').waitFor()
      expect(await tab.getByRole('heading', { level: 1 }).textContent()).toBe('Organizations')
      expect(await tab.locator('.banner').textContent()).toContain('Writes are open')
      expect(await tab.getByRole('button', { name: 'Sign out' }).count()).toBe(0)
      await noSeriousA11yOn(tab, 'org list with the open-writes banner')
    } finally {
      await tab.close()
      await open.close()
    }
  })

  it('with AUTH_READS=true: reads need a credential too, and work once signed in with an API key, which the header names', async () => {
    const closed = await listenApp({ ADMIN_TOKENS: `alice:${ALICE}`, AUTH_READS: 'true' }, '127.0.0.1', { consoleDir })
    const tab = await browser.newPage()
    try {
      const made = await fetch(`${closed.base}/api/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'support-desk', role: 'viewer' })
      })
      const { key } = (await made.json()) as { key: string }
      await tab.goto(`${closed.base}/console/`)
      await tab.getByLabel('API key or admin token').fill(key)
      await tab.getByRole('button', { name: 'Sign in' }).click()
      await tab.locator('.count').waitFor()
      expect(await tab.locator('.count').textContent()).toContain('No organization matches.')
      expect(await tab.locator('.banner').count()).toBe(0)
      await expect.poll(() => tab.locator('.top .who').textContent()).toBe('Signed in as support-desk (API key) · viewer')
    } finally {
      await tab.close()
      await closed.close()
    }
  })
})

async function noSeriousA11yOn(tab: Page, where: string) {
  const violations = await seriousA11yViolations(tab)
  expect(violations, `axe on ${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([])
}
