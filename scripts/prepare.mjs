// Runs after `npm ci`: builds the client and CLI packages (so `npx vipps-orgs` works at once). A
// production install (npm ci --omit=dev) has no TypeScript to build them with, and the server does
// not need them: it says so and goes on, where failing would fail the whole install.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

try {
  createRequire(import.meta.url).resolve('typescript')
} catch {
  console.log('prepare: no TypeScript here (a production install): the client and CLI packages are not built')
  process.exit(0)
}
const npm = process.env.npm_execpath
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build:packages'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build:packages'], { stdio: 'inherit' })
process.exit(build.status ?? 1)
