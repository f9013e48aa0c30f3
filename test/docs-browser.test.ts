import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docsCsp } from '../src/http/plugins/openapi.js'
import { collectConsoleErrors, launchBrowser, type ListeningApp, listenApp, nonLoopbackIPv4 } from './support/browser.js'

/**
 * /docs in a real browser, at a non-loopback address over plain HTTP (issue 15): Chromium exempts
 * loopback from upgrade-insecure-requests, so only another address shows a CSP that breaks the page.
 */
describe('/docs in a browser over plain HTTP on a non-loopback address', () => {
  let browser: Browser
  let server: ListeningApp
  let base: string

  beforeAll(async () => {
    const address = nonLoopbackIPv4()
    server = await listenApp({}, '0.0.0.0')
    base = `http://${address}:${server.port}`
    browser = await launchBrowser()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('renders swagger-ui with every operation listed and no console errors', async () => {
    const page = await browser.newPage()
    const errors = collectConsoleErrors(page)
    const failed: string[] = []
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`))
    const response = await page.goto(`${base}/docs`, { waitUntil: 'load' })
    expect(response?.status()).toBe(200)
    const csp = response?.headers()['content-security-policy'] ?? ''
    expect(csp).not.toContain('upgrade-insecure-requests')
    expect(csp).toMatch(/script-src 'self'(;| [^;]*;)/)
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/)
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 })
    const operations = await page.locator('.opblock-summary-path').allTextContents()
    expect(operations.length).toBeGreaterThanOrEqual(10)
    expect(operations.map((p) => p.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/api/v1/vipps-orgs', '/api/v1/vipps-orgs/{org_id}', '/api/v1/webhooks'])
    )
    expect(failed).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('its assets are served over plain HTTP from the address the page was opened at', async () => {
    const page = await browser.newPage()
    const urls: string[] = []
    page.on('request', (request) => urls.push(request.url()))
    await page.goto(`${base}/docs`, { waitUntil: 'load' })
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 })
    expect(urls.filter((u) => u.startsWith('https:'))).toEqual([])
    expect(urls.some((u) => u.startsWith(`${base}/docs/static/swagger-ui-bundle.js`))).toBe(true)
    await page.close()
  })
})

describe('the /docs CSP', () => {
  it('upgrades insecure requests only on a page that came over HTTPS, and never allows inline scripts', () => {
    expect(docsCsp(false)).not.toContain('upgrade-insecure-requests')
    expect(docsCsp(true)).toContain('upgrade-insecure-requests')
    for (const csp of [docsCsp(false), docsCsp(true)]) {
      expect(csp).toContain("script-src 'self';")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/]{43}='/)
    }
  })
})
