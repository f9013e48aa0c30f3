import { type ChildProcess, spawn } from 'node:child_process'
import { type Agent, request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { freePort } from './postgres.js'

const ROOT = join(import.meta.dirname, '..', '..')

export interface ServerProcess {
  child: ChildProcess
  port: number
  base: string
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * The real server (src/server.ts) in its own process, as `npm start` runs it; `cwd` names another
 * checkout of the service (an older release, say).
 */
export async function spawnServer(env: Record<string, string>, ready = true, cwd = ROOT): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd,
    env: { ...process.env, NODE_ENV: '', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  )
  const server = { child, port, base: `http://127.0.0.1:${port}`, output: () => out, exited }
  if (ready && !(await waitReady(server.base, '/readyz', exited))) {
    throw new Error(`server did not become ready:\n${out}`)
  }
  return server
}

/** Polls `path` until it answers 2xx; gives up after 30 s, or at once when `exited` settles. */
export async function waitReady(base: string, path = '/readyz', exited?: Promise<unknown>): Promise<boolean> {
  const deadline = Date.now() + 30_000
  let done = false
  void exited?.then(() => (done = true))
  while (Date.now() < deadline && !done) {
    try {
      if ((await fetch(`${base}${path}`)).ok) return true
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

export interface RawResponse {
  status: number
  body: string
}

/** One request on its own connection (no keep-alive), so a refused connection means "not accepted". */
/** One request on a connection of its own (or of `agent`, a keep-alive pool, when given). */
export function rawRequest(base: string, method: string, path: string, body?: unknown, agent?: Agent): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent: agent ?? false,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}
      },
      (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(payload)
  })
}
