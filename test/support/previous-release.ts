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

interface LockEntry {
  version?: string
  link?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  devDependencies?: Record<string, string>
}
type Lock = Record<string, LockEntry>

/** The `packages` of a lockfile (v2/v3): path in node_modules (or "" for the root) → entry. */
async function lockedPackages(dir: string): Promise<Lock> {
  return (JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as { packages: Lock }).packages
}

/**
 * Where Node finds package `name` required from the package at `from` ("" for the root): its own
 * node_modules, then each enclosing one up to the top.
 */
function resolveIn(lock: Lock, from: string, name: string): LockEntry | undefined {
  let dir = from
  for (;;) {
    const entry = lock[dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`]
    if (entry) return entry
    if (dir === '') return undefined
    const up = dir.lastIndexOf('/node_modules/')
    dir = up < 0 ? '' : dir.slice(0, up)
  }
}

/**
 * True when their code would load the same versions from our node_modules: every dependency of
 * every package they list (and of their root) resolves, from where it is required, to the same
 * version in our tree as in theirs. Where a package sits (hoisted or nested) may differ.
 */
function sameDependencies(theirs: Lock, ours: Lock): boolean {
  for (const [path, entry] of Object.entries(theirs)) {
    if (path !== '' && (!path.startsWith('node_modules/') || entry.link)) continue
    // The root's dev dependencies too: the release is built with its own TypeScript.
    const names = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies, ...(path === '' ? entry.devDependencies : {}) }
    for (const name of Object.keys(names)) {
      // An optional peer (vitest's @opentelemetry/api, say) is what the host brings: a server release never loads it through them.
      if (entry.peerDependenciesMeta?.[name]?.optional && !entry.dependencies?.[name]) continue
      const wanted = resolveIn(theirs, path, name)
      if (!wanted || wanted.link) continue
      if (resolveIn(ours, path, name)?.version !== wanted.version) return false
    }
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
