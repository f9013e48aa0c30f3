import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')

/** The commit docs/architecture.md names as the previous release ("Previous release: `<hash>`"). */
export async function previousReleaseRef(): Promise<string> {
  const doc = await readFile(join(ROOT, 'docs', 'architecture.md'), 'utf8')
  const match = /^Previous release: `([0-9a-f]{40})`/m.exec(doc)
  if (!match) throw new Error('docs/architecture.md names no previous release (a line "Previous release: `<commit>`")')
  return match[1]!
}

export interface BuiltRelease {
  ref: string
  dir: string
  /** `linked`: its dependencies are a subset of this checkout's, whose node_modules it uses; `installed`: npm ci. */
  dependencies: 'linked' | 'installed'
  remove(): Promise<void>
}

/**
 * Builds a release of the service from this clone's history in a temporary directory: its files
 * from `git archive`, its dependencies from this checkout when every package its lockfile lists
 * is here at the same place and version (then node_modules is a symlink: no install, no network),
 * else from `npm ci` there.
 */
export async function buildRelease(ref: string): Promise<BuiltRelease> {
  if ((await run('git', ['cat-file', '-e', `${ref}^{commit}`], ROOT)).code !== 0) {
    throw new Error(
      `the previous release ${ref} (docs/architecture.md) is not in this clone's history: a shallow clone? ` +
        'Fetch it (git fetch --unshallow), or point the line at a commit reachable from main'
    )
  }
  const dir = await mkdtemp(join(tmpdir(), 'vipps-orgs-release-'))
  try {
    const extracted = await run('sh', ['-c', `git -C "$1" archive --format=tar "$2" | tar -x -C "$3"`, 'sh', ROOT, ref, dir], ROOT)
    if (extracted.code !== 0) throw new Error(`git archive ${ref} failed: ${extracted.output}`)
    const [theirs, ours] = await Promise.all([lockedPackages(dir), lockedPackages(ROOT)])
    let dependencies: BuiltRelease['dependencies'] = 'linked'
    if (sameDependencies(theirs, ours)) {
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
    } else {
      dependencies = 'installed'
      const installed = await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], dir)
      if (installed.code !== 0) throw new Error(`npm ci for ${ref} failed:\n${installed.output}`)
    }
    return { ref, dir, dependencies, remove: () => rm(dir, { recursive: true, force: true }) }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

type Locked = Map<string, string>

/** path in node_modules → version, from a lockfile (v2/v3); workspace links left out (the server imports none). */
async function lockedPackages(dir: string): Promise<Locked> {
  const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; link?: boolean }>
  }
  const locked: Locked = new Map()
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && !entry.link && entry.version) locked.set(path, entry.version)
  }
  return locked
}

/**
 * True when their node_modules would resolve every import as ours does: each package they list is
 * ours at the same path and version, and we nest nothing new inside one of theirs (it would
 * shadow what they resolve from further up).
 */
function sameDependencies(theirs: Locked, ours: Locked): boolean {
  for (const [path, version] of theirs) if (ours.get(path) !== version) return false
  for (const path of ours.keys()) {
    const nested = path.lastIndexOf('/node_modules/')
    if (nested > 0 && theirs.has(path.slice(0, nested)) && !theirs.has(path)) return false
  }
  return true
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, output }))
  })
}
