import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildConsole } from './support/browser.js'
import { freePort } from './support/postgres.js'
import { rawRequest, waitReady } from './support/server-process.js'

/**
 * `npm start` as a deployment runs it (README, "Running in production"): a copy of the project,
 * built once, installed without dev dependencies (`npm ci --omit=dev`, its lifecycle scripts
 * included), then started: no compiler, no Vite, no TypeScript on a start.
 *
 * Only better-sqlite3's native module comes from this checkout's install: its own install script
 * (prebuild-install) finds it as a local prebuild instead of compiling SQLite for a minute and a half.
 */

const ROOT = join(import.meta.dirname, '..')
const GRACE_MS = 2_000
/** Not part of a deployment's source: made by installs, builds, runs and the tests. */
const NOT_SOURCE = /^(node_modules|dist|data|coverage|\.git|\.tmp|bench\/\.work)$|\/(node_modules|dist)$/

/** True once nothing accepts connections on the port any more. */
async function portFreeWithin(base: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    try {
      await rawRequest(base, 'GET', '/healthz')
    } catch {
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

/**
 * The environment of a deployment's shell: this test runs under npx/vitest, whose PATH holds this
 * checkout's node_modules/.bin (tsc, vite…), which a deployment without dev dependencies lacks.
 */
function deploymentEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const PATH = (process.env.PATH ?? '').split(':').filter((dir) => !dir.includes('node_modules')).join(':')
  return { ...process.env, PATH, ...env }
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd, env: deploymentEnv(env), encoding: 'utf8' })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

/** better-sqlite3's module as a prebuild named as prebuild-install looks for it. */
function localPrebuild(dir: string): string {
  const pkg = join(ROOT, 'node_modules', 'better-sqlite3')
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  const tar = run('tar', ['-czf', join(dir, name), 'build/Release/better_sqlite3.node'], pkg)
  expect(tar.code, tar.output).toBe(0)
  return dir
}

describe('npm start in a production install (npm ci --omit=dev)', () => {
  const tree = mkdtempSync(join(tmpdir(), 'vipps-orgs-deploy-'))
  const prebuilds = mkdtempSync(join(tmpdir(), 'vipps-orgs-prebuilds-'))
  afterAll(() => {
    rmSync(tree, { recursive: true, force: true })
    rmSync(prebuilds, { recursive: true, force: true })
  })

  beforeAll(() => {
    cpSync(ROOT, tree, { recursive: true, filter: (path) => !NOT_SOURCE.test(relative(ROOT, path)) })
    const install = run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'], tree, {
      npm_config_better_sqlite3_local_prebuilds: localPrebuild(prebuilds)
    })
    expect(install.code, install.output).toBe(0)
    // A production install: none of the build tools.
    for (const dev of ['typescript', 'vite', 'tsx', 'vitest']) expect(existsSync(join(tree, 'node_modules', dev)), dev).toBe(false)
    expect(install.output).toContain('prepare: no TypeScript here')
  }, 120_000)

  it('with nothing built, says it builds once, and without the dev dependencies says what to do instead', () => {
    const start = run('npm', ['start'], tree, { PORT: '1', DATABASE_URL: `sqlite:${join(tree, 'data', 'none.db')}` })
    expect(start.code).not.toBe(0)
    expect(start.output).toContain('npm start: nothing built yet (no dist/server.js, dist/public/console/index.html): building once with npm run build')
    expect(start.output).toMatch(/tsc: not found/)
    expect(start.output).toContain('npm run build needs the dev dependencies (npm ci)')
    expect(existsSync(join(tree, 'data', 'none.db'))).toBe(false) // no server ran
  })

  it('starts what npm run build built, without building, serves, and stops on SIGTERM to npm within the grace period', async () => {
    // The build a deployment makes once, where the dev dependencies are (this checkout): the server
    // by tsc with tsconfig.build.json (its type check is npm run typecheck's), the console by Vite.
    const tsc = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', join(tree, 'dist'), '--tsBuildInfoFile', join(tree, 'dist', '.tsbuildinfo')], ROOT)
    expect(tsc.code, tsc.output).toBe(0)
    mkdirSync(join(tree, 'dist', 'public'), { recursive: true })
    await buildConsole(join(tree, 'dist', 'public', 'console'))

    const port = await freePort()
    const npm = spawn('npm', ['start'], {
      cwd: tree,
      env: deploymentEnv({ NODE_ENV: '', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: `sqlite:${join(tree, 'data', 'start.db')}`, SHUTDOWN_GRACE_MS: String(GRACE_MS), LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group, so that whatever happens the test leaves nothing behind
      detached: true
    })
    let out = ''
    npm.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    npm.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const exited = new Promise<void>((resolve) => npm.on('exit', () => resolve()))
    const base = `http://127.0.0.1:${port}`
    try {
      expect(await waitReady(base, '/readyz', exited), out).toBe(true)
      expect(out).toMatch(/npm start: the build in dist\/ of \d{4}-\d\d-\d\dT/)
      expect(out).not.toMatch(/> (tsc|vite|npm run build)/)
      const created = await fetch(`${base}/api/v1/vipps-orgs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ org_id: 'deployed', client_id: 'vipps-client-1', client_secret_ref: 'vault://orgs/deployed/vipps', redirect_uri: 'myapp://vipps' })
      })
      expect(created.status).toBe(201)
      expect((await (await fetch(`${base}/api/v1/vipps-orgs/deployed/status`)).json()) as unknown).toMatchObject({ org_id: 'deployed', vipps_enabled: true })
      const consolePage = await fetch(`${base}/console/`)
      expect(consolePage.status).toBe(200)
      expect(await consolePage.text()).toContain('/console/assets/')

      // Exactly what a supervisor does: signal the process it started, not its children.
      npm.kill('SIGTERM')
      await exited
      expect(await portFreeWithin(base, GRACE_MS + 3_000), `still answering after npm exited:\n${out}`).toBe(true)
      expect(out).toMatch(/SIGTERM/)
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL')
      } catch {
        // the group is gone: nothing left behind
      }
    }
  }, 120_000)
})
