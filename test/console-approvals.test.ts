import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropDatabase, newDatabaseUrl, storeNames } from './support/app.js'
import { buildConsole, freshPage, launchBrowser, type ListeningApp, listenApp, seriousA11yViolations } from './support/browser.js'
import { startTestIssuer, type TestIssuer } from './support/oidc-issuer.js'
import { freePort } from './support/postgres.js'

/**
 * Four eyes in the console (APPROVALS=production), in headless Chromium with a real OpenID
 * provider: editor A (Eddie) asks for a production redirect_uri change and is told it waits for
 * approval; admin B (Ada, another browser context, another account) sees the pending count,
 * opens the diff and approves; A sees the change applied, with both names in the history. Then a
 * rejection with a reason, and a withdrawal by the requester.
 */
const OPS = 'console-approvals-ops-token-0123456789'
const OPS2 = 'console-approvals-ops2-token-0123456789'
const ORG = 'approvals-org-1'
const OLD_URI = `https://${ORG}.example.com/vipps/callback`
const NEW_URI = `https://${ORG}.example.com/vipps/callback-v2`
const store = storeNames().includes('postgres') ? 'postgres' : 'sqlite'
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1'
const DOCS = join(import.meta.dirname, '..', 'docs')

let browser: Browser
let consoleDir: string
let issuer: TestIssuer
let app: ListeningApp
let databaseUrl: string

async function api(method: string, path: string, body?: unknown, token = OPS) {
  const res = await fetch(`${app.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

beforeAll(async () => {
  const [dir, started, port] = await Promise.all([buildConsole(), launchBrowser(), freePort()])
  consoleDir = dir
  browser = started
  const base = `http://127.0.0.1:${port}`
  issuer = await startTestIssuer({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/console/`], claimsInIdToken: true })
  databaseUrl = await newDatabaseUrl(store)
  app = await listenApp(
    {
      ADMIN_TOKENS: `ops:${OPS},ops2:${OPS2}`,
      OIDC_ISSUER: issuer.issuer,
      OIDC_CLIENT_ID: issuer.clientId,
      OIDC_CLIENT_SECRET: issuer.clientSecret,
      OIDC_PROVIDER_NAME: 'Test IdP',
      PUBLIC_URL: base,
      APPROVALS: 'production'
    },
    '127.0.0.1',
    { consoleDir, databaseUrl, port }
  )
  // A production org: its create is held too, so a second token approves it.
  const created = await api('POST', '/api/v1/vipps-orgs', {
    org_id: ORG,
    client_id: 'approvals-client-1',
    client_secret_ref: `vault://orgs/${ORG}/vipps`,
    redirect_uri: OLD_URI,
    scopes: ['openid'],
    environment: 'production'
  })
  expect(created.status).toBe(202)
  expect((await api('POST', `/api/v1/change-requests/${created.body.id}/approve`, {}, OPS2)).status).toBe(200)
  expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.redirect_uri).toBe(OLD_URI)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
  await issuer?.close()
  if (databaseUrl) await dropDatabase(databaseUrl)
  if (consoleDir) rmSync(consoleDir, { recursive: true, force: true })
})

/** A fresh browser profile (its own cookies): one person. */
const personPage = () => freshPage(browser, app.base)

/** Through the issuer's development login (any password) and consent, back to the console. */
async function signIn(page: Page, path: string, login: string) {
  await page.goto(`${app.base}${path}`)
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click()
  await page.waitForURL(`${issuer.issuer}/**`)
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('any')
  await page.locator('button[type="submit"]').click()
  await page.locator('button[type="submit"]').click()
  await page.waitForURL(`${app.base}/console/**`)
  await page.locator('.who').waitFor()
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 })
const pendingLink = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Pending changes/ })

async function noSeriousA11y(page: Page, where: string) {
  const violations = await seriousA11yViolations(page)
  expect(violations, `axe on ${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([])
}

/** Eddie edits a field of the org in the console and saves: the change is held. Returns the request id. */
async function askFor(page: Page, label: string, value: string): Promise<string> {
  await page.goto(`${app.base}/console/orgs/${ORG}`)
  await page.getByRole('button', { name: 'Edit', exact: true }).click()
  await page.getByLabel(label).fill(value)
  await page.getByRole('button', { name: 'Save changes' }).click()
  const notice = page.locator('.held')
  await notice.waitFor()
  expect(await notice.textContent()).toContain('Waiting for approval.')
  const link = notice.getByRole('link', { name: /^change request / })
  const id = (await link.textContent())!.replace('change request ', '')
  expect(await link.getAttribute('href')).toBe(`/console/requests/${encodeURIComponent(id)}`)
  return id
}

describe(`four eyes in the console [${store}, APPROVALS=production]`, () => {
  it('editor A asks for a production redirect_uri change; admin B sees the count, opens the diff and approves; A sees it applied with both names in the history', async () => {
    const a = await personPage()
    await signIn(a.page, `/console/orgs/${ORG}`, 'eddie.editor')
    await expect.poll(() => heading(a.page).textContent()).toBe(ORG)

    const id = await askFor(a.page, 'Redirect URI', NEW_URI)
    // Nothing changed yet: the page, the API.
    expect(await a.page.locator('dl.fields').textContent()).toContain(OLD_URI)
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.redirect_uri).toBe(OLD_URI)
    await expect.poll(() => pendingLink(a.page).textContent()).toBe('Pending changes 1 waiting for approval')
    await noSeriousA11y(a.page, 'a held save')

    // A's own request: no approve button, a withdraw button.
    await a.page.locator('.held').getByRole('link').click()
    await expect.poll(() => heading(a.page).textContent()).toBe(`Change of ${ORG}`)
    expect(await a.page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    await a.page.getByRole('button', { name: 'Withdraw request' }).waitFor()

    // B: another browser, another account.
    const b = await personPage()
    await signIn(b.page, '/console/', 'ada.admin')
    await expect.poll(() => b.page.locator('.who').textContent()).toBe('Signed in as ada@example.com (person) · admin')
    await expect.poll(() => pendingLink(b.page).textContent()).toBe('Pending changes 1 waiting for approval')
    await pendingLink(b.page).click()
    await expect.poll(() => heading(b.page).textContent()).toBe('Pending changes')
    const item = b.page.locator('.request')
    await expect.poll(() => item.count()).toBe(1)
    expect(await item.locator('.changes').textContent()).toBe(`redirect_uri: ${OLD_URI} → ${NEW_URI}`)
    expect(await item.textContent()).toContain('Asked by eddie@example.com (person)')
    await noSeriousA11y(b.page, 'Pending changes')

    await item.getByRole('link', { name: `Change of ${ORG}` }).click()
    await expect.poll(() => heading(b.page).textContent()).toBe(`Change of ${ORG}`)
    expect(new URL(b.page.url()).pathname).toBe(`/console/requests/${encodeURIComponent(id)}`)
    expect(await b.page.locator('main .changes').first().textContent()).toBe(`redirect_uri: ${OLD_URI} → ${NEW_URI}`)
    await noSeriousA11y(b.page, 'a change request')
    // The README's picture (UPDATE_SCREENSHOTS=1), and both pages usable at 360 px wide.
    if (SHOTS) writeFileSync(join(DOCS, 'console-request.png'), await b.page.screenshot())
    await b.page.setViewportSize({ width: 360, height: 800 })
    for (const path of ['/console/requests', `/console/requests/${encodeURIComponent(id)}`]) {
      await b.page.goto(`${app.base}${path}`)
      await b.page.locator('main .changes').first().waitFor()
      expect(await b.page.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(360)
      await noSeriousA11y(b.page, `${path} at 360 px`)
    }
    await b.page.setViewportSize({ width: 1280, height: 900 })
    await b.page.getByRole('button', { name: 'Approve' }).click()
    const dialog = b.page.getByRole('dialog')
    await dialog.waitFor()
    await noSeriousA11y(b.page, 'the approve dialog')
    await dialog.getByRole('button', { name: 'Approve and apply' }).click()
    await b.page.locator('.flash', { hasText: 'Approved' }).waitFor()
    await expect.poll(() => b.page.locator('.badge.state-approved').textContent()).toBe('approved')
    await expect.poll(() => b.page.locator('dl.fields').textContent()).toContain('Approved byada@example.com (person)')
    // The count is gone (nothing pending).
    await expect.poll(() => pendingLink(b.page).textContent()).toBe('Pending changes')
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.redirect_uri).toBe(NEW_URI)

    // A: the change applied, both names in the history.
    await a.page.goto(`${app.base}/console/orgs/${ORG}`)
    await expect.poll(() => a.page.locator('dl.fields').textContent()).toContain(NEW_URI)
    expect(await a.page.locator('.status-line + p').textContent()).toMatch(/^Last change: version \d+, update by eddie@example\.com \(person\), approved by ada@example\.com \(person\) at /)
    const latest = a.page.locator('.timeline .event').first()
    expect(await latest.locator('p').first().textContent()).toMatch(
      /^Version \d+: update by eddie@example\.com \(person\), approved by ada@example\.com \(person\) at /
    )
    expect(await latest.locator('.changes').textContent()).toBe(`redirect_uri: ${OLD_URI} → ${NEW_URI}`)
    await noSeriousA11y(a.page, 'the history with approved_by')
    expect([...a.errors, ...b.errors].filter((e) => !/status of 40[139]/.test(e))).toEqual([])
    await a.context.close()
    await b.context.close()
  })

  it('B rejects with a reason (1–500 characters); A withdraws their own request; nothing is applied', async () => {
    const a = await personPage()
    await signIn(a.page, `/console/orgs/${ORG}`, 'eddie.editor')
    const before = (await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body
    const rejectId = await askFor(a.page, 'Client id', 'approvals-client-2')

    const b = await personPage()
    await signIn(b.page, `/console/requests/${encodeURIComponent(rejectId)}`, 'ada.admin')
    await expect.poll(() => heading(b.page).textContent()).toBe(`Change of ${ORG}`)
    await b.page.getByRole('button', { name: 'Reject…' }).click()
    await b.page.getByRole('button', { name: 'Reject change' }).click()
    const reason = b.page.getByLabel('Reason')
    await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true')
    expect(await b.page.locator('#reject-reason-error').textContent()).toContain('Say why')
    await noSeriousA11y(b.page, 'a rejection without a reason')
    await reason.fill('Client id not issued by Vipps yet')
    await b.page.getByRole('button', { name: 'Reject change' }).click()
    await b.page.locator('.flash', { hasText: 'Rejected' }).waitFor()
    await expect.poll(() => b.page.locator('dl.fields').textContent()).toContain('ReasonClient id not issued by Vipps yet')
    expect((await api('GET', `/api/v1/change-requests/${rejectId}`)).body).toMatchObject({ state: 'rejected', reason: 'Client id not issued by Vipps yet' })

    // Stale: the org changes (the kill switch, at once) while B looks at a request; B's approval applies nothing and says why.
    const staleId = await askFor(a.page, 'Redirect URI', `https://${ORG}.example.com/vipps/callback-v3`)
    await b.page.goto(`${app.base}/console/requests/${encodeURIComponent(staleId)}`)
    await b.page.getByRole('button', { name: 'Approve' }).waitFor()
    expect((await api('PUT', `/api/v1/vipps-orgs/${ORG}`, { vipps_enabled: false })).status).toBe(200)
    await b.page.getByRole('button', { name: 'Approve' }).click()
    await b.page.getByRole('dialog').getByRole('button', { name: 'Approve and apply' }).click()
    const refusal = b.page.locator('.error-box')
    await refusal.waitFor()
    expect(await refusal.textContent()).toContain('The organization changed after this request was made, so it was not applied')
    await expect.poll(() => b.page.locator('.badge.state-stale').count()).toBe(1)
    expect(await b.page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    await noSeriousA11y(b.page, 'a stale approval')
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.redirect_uri).toBe(before.redirect_uri)
    expect((await api('PUT', `/api/v1/vipps-orgs/${ORG}`, { vipps_enabled: true }, OPS)).status).toBe(202) // turning it on waits
    const on = (await api('GET', `/api/v1/change-requests?org_id=${ORG}`)).body.data.find((r: { changes: object }) => 'vipps_enabled' in r.changes)
    expect((await api('POST', `/api/v1/change-requests/${on.id}/approve`, {}, OPS2)).status).toBe(200)

    const withdrawId = await askFor(a.page, 'Client id', 'approvals-client-3')
    await a.page.locator('.held').getByRole('link').click()
    await a.page.getByRole('button', { name: 'Withdraw request' }).click()
    await expect.poll(() => heading(a.page).textContent()).toBe('Pending changes')
    await a.page.locator('.flash', { hasText: 'Withdrawn' }).waitFor()
    expect((await api('GET', `/api/v1/change-requests/${withdrawId}`)).body.state).toBe('withdrawn')
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.client_id).toBe(before.client_id)
    await a.context.close()
    await b.context.close()
  })

  it('a production org created in the console waits for approval: the editor lands on its request; enabling a production org waits, disabling it does not', async () => {
    const a = await personPage()
    await signIn(a.page, '/console/orgs/new', 'eddie.editor')
    const orgId = 'approvals-org-2'
    await a.page.getByLabel('Org id').fill(orgId)
    await a.page.getByLabel('Client id').fill('approvals-client-new')
    await a.page.getByLabel('Client secret reference').fill(`vault://orgs/${orgId}/vipps`)
    await a.page.getByLabel('Redirect URI').fill(`https://${orgId}.example.com/cb`)
    await a.page.getByLabel('Environment').selectOption('production')
    await a.page.getByRole('button', { name: 'Create organization' }).click()
    await expect.poll(() => heading(a.page).textContent()).toBe(`Create ${orgId}`)
    expect(await a.page.locator('.flash').textContent()).toContain(`Waiting for approval: ${orgId} is created in production when another person approves`)
    expect(await a.page.locator('main .changes').first().textContent()).toContain(`redirect_uri: — → https://${orgId}.example.com/cb`)
    expect((await api('GET', `/api/v1/vipps-orgs/${orgId}`)).status).toBe(404)
    await noSeriousA11y(a.page, 'a held create')

    // The kill switch acts at once; turning Vipps back on waits.
    await a.page.goto(`${app.base}/console/orgs/${ORG}`)
    await a.page.getByRole('button', { name: 'Disable Vipps login' }).click()
    await a.page.getByRole('dialog').getByRole('button', { name: 'Disable Vipps login' }).click()
    await a.page.locator('.flash', { hasText: `Vipps login disabled for ${ORG}` }).waitFor()
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.vipps_enabled).toBe(false)
    await a.page.getByRole('button', { name: 'Enable Vipps login' }).click()
    await a.page.getByRole('dialog').getByRole('button', { name: 'Enable Vipps login' }).click()
    const notice = a.page.locator('.held')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('Your change of vipps_enabled is change request')
    expect((await api('GET', `/api/v1/vipps-orgs/${ORG}`)).body.vipps_enabled).toBe(false)
    // The org's page lists what waits for it.
    await expect.poll(() => a.page.locator('section[aria-labelledby="pending-heading"] li').count()).toBe(1)
    const request = await notice.getByRole('link').getAttribute('href')

    // A viewer sees the request and the count, and is not offered a decision.
    const v = await personPage()
    await signIn(v.page, request!, 'vera.viewer')
    await expect.poll(() => heading(v.page).textContent()).toBe(`Change of ${ORG}`)
    await expect.poll(() => pendingLink(v.page).textContent()).toMatch(/^Pending changes \d+ waiting for approval$/)
    expect(await v.page.locator('main').textContent()).toContain(`An editor or admin of ${ORG} other than the person who asked approves or rejects it.`)
    expect(await v.page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    await noSeriousA11y(v.page, 'a request seen by a viewer')
    await v.context.close()
    await a.context.close()
  })
})
