import { execFileSync } from 'node:child_process'
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { newDatabaseUrl } from './app.js'

/**
 * A headless Chromium for the browser tests, found where a fresh machine can get one with
 * `npm ci && npm test` alone, in this order:
 *   1. CHROMIUM_PATH: a Chromium the person running the tests chose;
 *   2. @sparticuz/chromium (a devDependency from the npm registry): a headless Chromium unpacked
 *      into the temp directory, no root needed;
 *   3. Debian's `chromium` (/usr/bin/chromium), installed with apt-get when running as root and
 *      nothing above worked.
 * No browser: the test fails with every reason; it is never skipped.
 * TEST_BROWSER=sparticuz|debian picks one source (to check each path on its own).
 */
export type BrowserSource = 'CHROMIUM_PATH' | '@sparticuz/chromium' | 'debian'

export interface FoundBrowser {
  source: BrowserSource
  executablePath: string
}

const ROOT = join(import.meta.dirname, '..', '..')

const DEBIAN_PATHS = ['/usr/bin/chromium', '/usr/lib/chromium/chromium']

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * @sparticuz/chromium unpacks into the temp directory and takes an existing /tmp/chromium as done,
 * so two test files starting together could launch a half-written binary: one unpacks at a time.
 */
async function fromSparticuz(): Promise<string> {
  const { default: sparticuz } = await import('@sparticuz/chromium')
  const lock = join(tmpdir(), 'vipps-orgs-chromium-unpack.lock')
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true }) // left by a killed run
      } catch {
        // gone already
      }
      if (Date.now() > deadline) throw new Error(`waited 3 minutes for ${lock} (another process unpacking Chromium)`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  try {
    return await sparticuz.executablePath()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function fromDebian(install: boolean): string {
  const found = DEBIAN_PATHS.find(executable)
  if (found) return found
  if (!install) throw new Error('no /usr/bin/chromium')
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || !executable('/usr/bin/apt-get')) {
    throw new Error('no /usr/bin/chromium, and apt-get cannot install it here (not root on Debian/Ubuntu)')
  }
  console.info('[browser] installing Debian chromium with apt-get (once per machine)')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 })
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env, timeout: 600_000 })
  const installed = DEBIAN_PATHS.find(executable)
  if (!installed) throw new Error('apt-get install chromium finished but no chromium binary was found')
  return installed
}

export async function findBrowser(): Promise<FoundBrowser> {
  const chosen = process.env.CHROMIUM_PATH
  if (chosen) {
    if (!executable(chosen)) throw new Error(`CHROMIUM_PATH=${chosen} is not an executable file`)
    return { source: 'CHROMIUM_PATH', executablePath: chosen }
  }
  const only = process.env.TEST_BROWSER
  if (only && only !== 'sparticuz' && only !== 'debian') throw new Error(`TEST_BROWSER=${only}: use sparticuz or debian`)
  const reasons: string[] = []
  if (!only || only === 'sparticuz') {
    try {
      return { source: '@sparticuz/chromium', executablePath: await fromSparticuz() }
    } catch (err) {
      reasons.push(`@sparticuz/chromium: ${(err as Error).message}`)
    }
  }
  if (!only || only === 'debian') {
    try {
      return { source: 'debian', executablePath: fromDebian(true) }
    } catch (err) {
      reasons.push(`debian chromium: ${(err as Error).message}`)
    }
  }
  throw new Error(
    `No Chromium for the browser tests. Tried:\n  ${reasons.join('\n  ')}\n` +
      'Fix: run `npm ci` (installs @sparticuz/chromium), or `apt-get install -y chromium` as root, ' +
      'or set CHROMIUM_PATH to a Chromium binary.'
  )
}

/** Flags for a headless Chromium in a container; nothing that weakens the web's security model (no --disable-web-security). */
const ARGS = [
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync'
]

/** Launches the browser found by findBrowser and says on the test output which one it is. */
export async function launchBrowser(): Promise<Browser> {
  const found = await findBrowser()
  let browser: Browser
  try {
    browser = await chromium.launch({ executablePath: found.executablePath, args: ARGS, headless: true, timeout: 60_000 })
  } catch (err) {
    throw new Error(`Chromium from ${found.source} (${found.executablePath}) did not start: ${(err as Error).message}`)
  }
  console.info(`[browser] ${found.source}: ${found.executablePath}, Chromium ${browser.version()}`)
  return browser
}

/**
 * Everything a page says on its console at warning level or above, and its uncaught errors; with
 * `origin`, only what that origin's pages say (an identity provider's development pages load fonts
 * from the internet, which this machine may not reach).
 */
export function collectConsoleErrors(page: Page, origin?: string): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if ((message.type() === 'error' || message.type() === 'warning') && (origin === undefined || message.location().url.startsWith(origin))) {
      errors.push(`${message.type()}: ${message.text()}`)
    }
  })
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  return errors
}

/** A fresh browser profile (no cookie of anyone: one person), its page, and what `origin`'s pages say wrong. */
export async function freshPage(browser: Browser, origin: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  return { context, page, errors: collectConsoleErrors(page, origin) }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/**
 * Runs axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays as it is)
 * and returns the serious and critical violations.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** The first non-internal IPv4 address of this machine (a host a browser does not treat as loopback). */
export function nonLoopbackIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address
    }
  }
  throw new Error('This machine has no non-internal IPv4 address: the test of /docs on a non-loopback host cannot run here')
}

export interface ListeningApp {
  /** http://127.0.0.1:port */
  base: string
  port: number
  databaseUrl: string
  close(): Promise<void>
  /** Stops at once, as a crashed or stopped service would: open (keep-alive) connections are cut too. */
  kill(): Promise<void>
}

/**
 * The real app (src/app.ts, a fresh SQLite database unless one is given) listening on a real port
 * (a free one unless given), for a browser. `host` 0.0.0.0 makes it reachable at the machine's
 * other addresses too.
 */
export async function listenApp(
  env: Record<string, string> = {},
  host = '127.0.0.1',
  options: { consoleDir?: string; databaseUrl?: string; port?: number } = {}
): Promise<ListeningApp> {
  const databaseUrl = options.databaseUrl ?? (await newDatabaseUrl('sqlite'))
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env, HOST: host, PORT: String(options.port ?? 0), DATABASE_URL: databaseUrl })
  const app = await buildApp(config, { logger: false, consoleDir: options.consoleDir })
  await app.listen({ host, port: options.port ?? 0 })
  const port = (app.server.address() as AddressInfo).port
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    databaseUrl,
    close: () => app.close(),
    async kill() {
      const closed = app.close()
      app.server.closeAllConnections()
      await closed
    }
  }
}

/**
 * Builds the console (src/console/app, with its vite.config.ts: the bundle budget holds here too)
 * into a fresh temp directory (or the one given) and returns it: a fresh clone needs no `npm run build` before the
 * tests, and tests never race on dist/.
 */
export async function buildConsole(outDir = mkdtempSync(join(tmpdir(), 'vipps-orgs-console-'))): Promise<string> {
  const { build } = await import('vite')
  // The production build, as npm run build makes it (vitest sets NODE_ENV=test, which Vite would follow).
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({
      configFile: join(ROOT, 'src', 'console', 'vite.config.ts'),
      mode: 'production',
      logLevel: 'error',
      build: { outDir, emptyOutDir: true }
    })
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
  return outDir
}
