// Runs before `npm start`: the server starts from what `npm run build` built (dist/), never
// compiling on a start. Only when nothing is built yet does it build, once, and it says so.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'

const BUILT = ['dist/server.js', 'dist/public/console/index.html']

const missing = BUILT.filter((file) => !existsSync(file))
if (missing.length === 0) {
  console.log(`npm start: the build in dist/ of ${statSync(BUILT[0]).mtime.toISOString()} (npm run build makes a new one)`)
  process.exit(0)
}

console.log(`npm start: nothing built yet (no ${missing.join(', ')}): building once with npm run build`)
const npm = process.env.npm_execpath
const build = npm ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' }) : spawnSync('npm', ['run', 'build'], { stdio: 'inherit' })
if (build.status !== 0) {
  console.error(
    'npm start: the build failed, so there is nothing to start. npm run build needs the dev dependencies (npm ci);\n' +
      'a deployment builds once where they are installed, then installs with npm ci --omit=dev and runs npm start\n' +
      '(README, "Running in production").'
  )
  process.exit(build.status || 1)
}
