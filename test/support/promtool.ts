import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..', '..')
const CACHED = join(ROOT, 'node_modules', '.cache', 'vipps-orgs', 'promtool')

async function works(path: string): Promise<boolean> {
  try {
    await run(path, ['--version'])
    return true
  } catch {
    return false
  }
}

/**
 * Prometheus's promtool: on PATH, or taken from Debian's `prometheus` package: downloaded with
 * apt (`apt-get download`, after `apt-get update` when the lists are missing and we are root) and
 * unpacked, not installed (no service is started), then kept in node_modules/.cache. Undefined
 * when none can be had (no apt, no network): the caller checks the rules without it.
 */
export async function findPromtool(log: (line: string) => void): Promise<string | undefined> {
  for (const candidate of ['promtool', CACHED]) if (await works(candidate)) return candidate
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-promtool-'))
  try {
    const download = () => run('apt-get', ['download', '-qq', 'prometheus'], { cwd: dir, timeout: 180_000 })
    try {
      await download()
    } catch {
      if (process.getuid?.() !== 0) return undefined
      log('promtool: apt-get update, then apt-get download prometheus')
      await run('apt-get', ['update', '-qq'], { timeout: 180_000 })
      await download()
    }
    const deb = readdirSync(dir).find((name) => name.endsWith('.deb'))
    if (!deb) return undefined
    await run('dpkg-deb', ['-x', join(dir, deb), join(dir, 'root')])
    const unpacked = join(dir, 'root', 'usr', 'bin', 'promtool')
    if (!existsSync(unpacked)) return undefined
    mkdirSync(join(CACHED, '..'), { recursive: true })
    copyFileSync(unpacked, CACHED)
    return (await works(CACHED)) ? CACHED : undefined
  } catch (err) {
    log(`promtool: not available (${(err as Error).message.split('\n')[0]})`)
    return undefined
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function promtool(path: string, args: string[], cwd: string): Promise<string> {
  const { stdout, stderr } = await run(path, args, { cwd })
  return `${stdout}${stderr}`
}
