import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { type BackupResult, backupInChildProcess } from './sqlite-backup.js'

export interface BackupSettings {
  dir: string
  intervalMs: number
  keep: number
}

export interface BackupStats {
  /** When the newest backup that passed its check was taken (Unix seconds); absent before the first. */
  lastSuccessSeconds?: number
  /** Backups that failed (copy or check) since the start. */
  failures: number
  intervalSeconds: number
}

type Logger = { info(obj: object, msg: string): void; error(obj: object, msg: string): void }
type Run = (source: string, destination: string) => { done: Promise<BackupResult>; stop(): void }

/** `vipps-orgs-2026-03-26T10-05-00Z.db`: the UTC time the copy began; names sort as times do. */
const NAME = /^vipps-orgs-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.db$/
// A failed backup is tried again sooner than a whole interval later (a full disk, say).
const RETRY_MS = 5 * 60_000

export function backupFileName(at: Date): string {
  return `vipps-orgs-${at.toISOString().slice(0, 19).replace(/:/g, '-')}Z.db`
}

function timeOfName(name: string): number | undefined {
  const match = NAME.exec(name)
  return match ? Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`) : undefined
}

/**
 * The server's own backups of its SQLite file: one every interval into `dir`, the newest `keep`
 * kept. Only a backup that passed its check is named like one, so the newest such file is the
 * last good backup, also after a restart: the schedule goes on from it (a server restarted more
 * often than the interval still backs up).
 */
export class BackupSchedule {
  private timer: NodeJS.Timeout | undefined
  private running: ReturnType<Run> | undefined
  private stopped = false
  private lastSuccessMs: number | undefined
  private failures = 0

  constructor(
    private readonly source: string,
    private readonly settings: BackupSettings,
    private readonly log: Logger,
    private readonly run: Run = backupInChildProcess,
    private readonly now: () => number = Date.now
  ) {}

  start(): void {
    mkdirSync(this.settings.dir, { recursive: true })
    for (const name of readdirSync(this.settings.dir)) {
      // What an interrupted backup left (the process was killed while copying).
      if (/^vipps-orgs-.*\.db\.partial-/.test(name)) rmSync(join(this.settings.dir, name), { force: true })
    }
    this.lastSuccessMs = this.backups().at(-1)?.at
    const due = this.lastSuccessMs === undefined ? 0 : this.lastSuccessMs + this.settings.intervalMs - this.now()
    this.schedule(Math.max(0, due))
  }

  stats(): BackupStats {
    return {
      failures: this.failures,
      intervalSeconds: this.settings.intervalMs / 1000,
      ...(this.lastSuccessMs === undefined ? {} : { lastSuccessSeconds: Math.floor(this.lastSuccessMs / 1000) })
    }
  }

  /** Stops the schedule; a backup under way is abandoned (its partial file is removed at the next start). */
  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.running?.stop()
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => void this.backUp(), ms)
    this.timer.unref()
  }

  private async backUp(): Promise<void> {
    const at = new Date(this.now())
    const file = join(this.settings.dir, backupFileName(at))
    this.running = this.run(this.source, file)
    try {
      const result = await this.running.done
      this.lastSuccessMs = at.getTime()
      this.log.info({ file, bytes: result.bytes, durationMs: Math.round(result.durationMs) }, 'backup written and checked')
      this.prune()
      this.schedule(this.settings.intervalMs)
    } catch (err) {
      if (this.stopped) return
      this.failures++
      this.log.error({ err, file }, 'backup failed; the previous backups are kept')
      this.schedule(Math.min(this.settings.intervalMs, RETRY_MS))
    } finally {
      this.running = undefined
    }
  }

  /** The backups in the directory, oldest first. */
  private backups(): { name: string; at: number }[] {
    return readdirSync(this.settings.dir)
      .map((name) => ({ name, at: timeOfName(name) }))
      .filter((b): b is { name: string; at: number } => b.at !== undefined)
      .sort((a, b) => a.at - b.at)
  }

  private prune(): void {
    const backups = this.backups()
    for (const old of backups.slice(0, Math.max(0, backups.length - this.settings.keep))) {
      rmSync(join(this.settings.dir, old.name), { force: true })
    }
  }
}
