/** How long the service takes to start: to its first answer, and to `/readyz` 200. */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from '../test/support/postgres.js'
import { median } from './load.js'
import { startFlags, stop } from './service-process.js'

const ROOT = join(import.meta.dirname, '..')
const POLL_MS = 5

export interface StartupTime {
  /** From the spawn to the first HTTP answer (any status) of /readyz. */
  first_answer_ms: number
  /** From the spawn to /readyz 200. */
  ready_ms: number
  /** /readyz answers 503 (loading) seen between the two. */
  loading_answers: number
}

/** Polls /readyz from the spawn of `child` until it answers 200. */
async function watch(child: ChildProcess, port: number, spawned: number): Promise<StartupTime> {
  let first: number | undefined
  let loading = 0
  const deadline = spawned + 120_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode} before it was ready`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(10_000) })
      await res.text()
      first ??= performance.now() - spawned
      if (res.status === 200) return { first_answer_ms: Math.round(first), ready_ms: Math.round(performance.now() - spawned), loading_answers: loading }
      if (res.status === 503) loading++
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  throw new Error('not ready within 120 s')
}

/**
 * The built service started `rounds` times on the database of `env` (stopped after each), with the
 * node arguments of `npm start`; the medians, and each run. `LOG_LEVEL=warn` as in the other
 * benchmarks.
 */
export async function timeStartup(env: Record<string, string>, rounds = 3): Promise<StartupTime & { runs: StartupTime[] }> {
  const runs: StartupTime[] = []
  for (let round = 0; round < rounds; round++) runs.push(await timeOneStart(env))
  return { ...medianOf(runs), runs }
}

export function medianOf(runs: StartupTime[]): StartupTime {
  const mid = (key: keyof StartupTime) => median(runs.map((r) => r[key]))
  return { first_answer_ms: mid('first_answer_ms'), ready_ms: mid('ready_ms'), loading_answers: mid('loading_answers') }
}

/** One start of the built service on the database of `env`, stopped once it is ready. */
export async function timeOneStart(env: Record<string, string>): Promise<StartupTime> {
  const port = await freePort()
  const spawned = performance.now()
  const child = spawn(process.execPath, [...startFlags(), join(ROOT, 'dist', 'server.js')], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: '', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  try {
    return await watch(child, port, spawned)
  } finally {
    await stop(child)
  }
}

/** The baseline of the same moment: a bare node process (no app) from its spawn to its first HTTP answer. */
export async function timeBareNode(): Promise<number> {
  const port = await freePort()
  const spawned = performance.now()
  const child = spawn(
    process.execPath,
    [...startFlags(), '-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`],
    { stdio: 'ignore' }
  )
  try {
    for (;;) {
      try {
        await (await fetch(`http://127.0.0.1:${port}/`)).text()
        return Math.round(performance.now() - spawned)
      } catch {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
    }
  } finally {
    await stop(child)
  }
}
