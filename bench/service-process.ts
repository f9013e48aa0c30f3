import { type ChildProcess, fork, spawn } from 'node:child_process'
import type autocannon from 'autocannon'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../test/support/postgres.js'
import { waitReady } from '../test/support/server-process.js'
import { BASE, benchOrgId } from './orgs.js'

const ROOT = join(import.meta.dirname, '..')

export interface ServiceProcess {
  child: ChildProcess
  pid: number
  port: number
}

/** The node arguments of `npm start` (flags and script), so benchmarks run what users run. */
function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
  // `exec node …`: the shell becomes node, so the signal a supervisor sends reaches the server.
  const [node, ...args] = pkg.scripts.start.replace(/^exec\s+/, '').split(/\s+/)
  if (node !== 'node') throw new Error(`npm start does not run node: ${pkg.scripts.start}`)
  return args
}

/** `npm start`'s node flags (without the script). */
export function startFlags(): string[] {
  return startArgs().slice(0, -1)
}

/**
 * The built service (`npm run build` first) in its own process, writes unthrottled, logs at warn;
 * with `npm start`'s node flags, or with `flags` in their place; `cwd` names another built
 * checkout of the service (an earlier one, say).
 */
export async function startService(env: Record<string, string>, flags?: string[], cwd = ROOT): Promise<ServiceProcess> {
  const port = await freePort()
  const args = flags ? [...flags, startArgs().at(-1)!] : startArgs()
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, NODE_ENV: '', PORT: String(port), LOG_LEVEL: 'warn', WRITE_RATE_LIMIT: '1000000', ...env },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  if (!(await waitReady(`http://127.0.0.1:${port}`))) throw new Error(`the service did not become ready on port ${port}`)
  return { child, pid: child.pid!, port }
}

/** The bare node:http ceiling (bench/baseline-server.ts) answering the status of orgs 0 … size-1. */
export async function startCeiling(size: number): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort()
  const child = fork(join(ROOT, 'bench', 'baseline-server.ts'), [String(size), String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'ignore'
  })
  if (!(await waitReady(`http://127.0.0.1:${port}`, `${BASE}/${benchOrgId(0)}/status`))) throw new Error('the ceiling did not start')
  return { child, port }
}

/** CPU seconds (user and system) a process has used so far (Linux: /proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The fields after the command name (which may hold spaces, in parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  return Math.round(kb / 1024)
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

export interface BenchRequest {
  method: string
  path: string
  body?: string
  headers?: Record<string, string>
}

/** autocannon's request list for a generator of requests (a JSON body gets its Content-Type). */
export function requestsFrom(next: () => BenchRequest): autocannon.Request[] {
  return [
    {
      setupRequest: (request) => {
        const r = next()
        return {
          ...request,
          method: r.method as 'GET',
          path: r.path,
          ...(r.body ? { body: r.body } : {}),
          headers: { ...(r.body ? { 'content-type': 'application/json' } : {}), ...r.headers }
        }
      }
    }
  ]
}
