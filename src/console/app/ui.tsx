import type { AnchorHTMLAttributes, ComponentChildren } from 'preact'
import { createContext } from 'preact'
import { useContext, useEffect, useRef, useState } from 'preact/hooks'
import { type Actor, type Client, type Me, ProblemError, UnreachableError } from './api'

/** Routing inside /console/: the History API, so the back button and reload work. */
export const PREFIX = '/console'

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  dispatchEvent(new Event('console:navigate'))
}

export function useLocation(): URL {
  const [href, setHref] = useState(location.href)
  useEffect(() => {
    const update = () => setHref(location.href)
    addEventListener('popstate', update)
    addEventListener('console:navigate', update)
    return () => {
      removeEventListener('popstate', update)
      removeEventListener('console:navigate', update)
    }
  }, [])
  return new URL(href)
}

export function Link(props: AnchorHTMLAttributes & { href: string }) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(props.href)
  }
  return <a {...props} onClick={onClick} />
}

export interface Session {
  client: Client
  /** Writes (POST, PUT, DELETE) need no token on this server. */
  writesOpen: boolean
  /** Who the console acts as (a person, a key, a token) and with what role; null in the open mode or while unknown. */
  me: Me | null
  signOut(message?: string): void
}

/** Something changed the pending change requests (asked, approved, rejected, withdrawn): the navigation's count reads them again. */
export function pendingChanged(): void {
  dispatchEvent(new Event('console:pending-changed'))
}

/**
 * Whether this credential may approve or reject an org's change requests (editor or admin, with a
 * grant on the org); unknown (the open mode) counts as yes: the service decides either way.
 */
export function mayDecide(me: Me | null, orgId: string): boolean {
  if (!me) return true
  return (me.role === 'editor' || me.role === 'admin') && (!me.org_ids || me.org_ids.includes(orgId))
}

/** Whether two actors are the same one, by id whatever the credential (as the service refuses self-approval). */
export function sameActor(a: Actor | null | undefined, b: Actor | null | undefined): boolean {
  return !!a && !!b && a.id === b.id
}

export const SessionContext = createContext<Session | null>(null)

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('no session')
  return session
}

let firstPage = true

/** A page: its title in <h1>, focused after client-side navigation so screen readers announce it. */
export function Page({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · vipps-orgs console`
    if (!firstPage) heading.current?.focus()
    firstPage = false
  }, [title])
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions ? <div class="page-actions">{actions}</div> : null}
      </div>
      {children}
    </>
  )
}

export function errorMessage(error: unknown): string {
  if (error instanceof UnreachableError) return error.message
  if (error instanceof ProblemError) {
    if (!error.problem) return `The service answered ${error.status} without an explanation.`
    const { title, detail, status } = error.problem
    return `${title}${detail && detail !== title ? `: ${detail}` : ''} (${status})`
  }
  return 'Something went wrong in the console. Reload the page and try again.'
}

/** A failure, said plainly, with a way to try again. */
export function ErrorBox({ error, retry, title = 'Could not load' }: { error: unknown; retry?: () => void; title?: string }) {
  return (
    <div class="error-box" role="alert">
      <p>
        <strong>{error instanceof UnreachableError ? 'The service does not answer' : title}</strong>
      </p>
      <p>{errorMessage(error)}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  )
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  )
}

type Load<T> = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'done'; value: T }

/** Runs `load` whenever `key` changes, and again on `reload()`; a 401 ends the session. */
export function useLoad<T>(key: string, load: () => Promise<T>): [Load<T>, () => void] {
  const session = useSession()
  // A result is kept with the key it was loaded for: the render after `key` changes (before the
  // effect below has run) shows "loading", never the previous key's result under the new key.
  // A reload of the same key keeps showing what it has until the new result arrives.
  const [result, setResult] = useState<{ key: string; load: Load<T> }>({ key, load: { state: 'loading' } })
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let current = true
    setResult((shown) => (shown.key === key && shown.load.state === 'done' ? shown : { key, load: { state: 'loading' } }))
    load().then(
      (value) => current && setResult({ key, load: { state: 'done', value } }),
      (error: unknown) => {
        if (!current) return
        if (error instanceof ProblemError && error.status === 401) session.signOut('The service refused the token: sign in again.')
        setResult({ key, load: { state: 'error', error } })
      }
    )
    return () => {
      current = false
    }
  }, [key, attempt])
  return [result.key === key ? result.load : { state: 'loading' }, () => setAttempt((n) => n + 1)]
}

/** The server's `errors[]` by field. */
export function fieldErrors(error: unknown): Record<string, string> {
  const byField: Record<string, string> = {}
  if (error instanceof ProblemError) {
    for (const item of error.errors) byField[item.field] ??= item.message
  }
  return byField
}

/** A labelled input with help text and its server error, tied together for assistive technology. */
export function Field(props: {
  name: string
  label: string
  help: string
  error?: string | undefined
  children: (attrs: { id: string; name: string; 'aria-describedby': string; 'aria-invalid': 'true' | undefined }) => ComponentChildren
}) {
  const id = `field-${props.name}`
  const describedBy = [`${id}-help`, props.error ? `${id}-error` : ''].filter(Boolean).join(' ')
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children({ id, name: props.name, 'aria-describedby': describedBy, 'aria-invalid': props.error ? 'true' : undefined })}
      <p class="help" id={`${id}-help`}>
        {props.help}
      </p>
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  )
}

/** A modal question (the native <dialog>: focus is trapped and Escape cancels). */
export function ConfirmDialog(props: {
  open: boolean
  title: string
  children: ComponentChildren
  confirmLabel: string
  confirmDisabled?: boolean
  danger?: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (props.open && !dialog.open) dialog.showModal()
    if (!props.open && dialog.open) dialog.close()
  }, [props.open])
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onCancel={(e) => (e.preventDefault(), props.onCancel())}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault()
          if (!props.confirmDisabled) props.onConfirm()
        }}
      >
        <h2 id="dialog-title">{props.title}</h2>
        {props.children}
        <div class="buttons">
          <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={props.confirmDisabled}>
            {props.confirmLabel}
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  )
}

const ACTOR_TYPES: Record<Actor['type'], string> = { token: 'admin token', api_key: 'API key', user: 'person', anonymous: 'no credential' }

/** Who did something: the name, and the kind of credential (admin token, API key, person). */
export function ActorName({ actor }: { actor: Actor }) {
  return (
    <>
      <span class="actor">{actor.name}</span>
      {actor.type === 'anonymous' ? null : <span class="actor-type"> ({ACTOR_TYPES[actor.type]})</span>}
    </>
  )
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')
}

export function show(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

let flash: string | null = null

/** A message for the next page (after a create or a delete), said once. */
export function setFlash(message: string): void {
  flash = message
}

export function takeFlash(): string | null {
  const message = flash
  flash = null
  return message
}
