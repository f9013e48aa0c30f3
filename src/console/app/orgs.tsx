import { useEffect, useRef, useState } from 'preact/hooks'
import {
  buildVippsAuthorizeUrl,
  type CreateOrgBody,
  createPkcePair,
  type Environment,
  type OrgConfig,
  type OrgEvent,
  type ChangeRequest,
  HeldForApproval,
  type OrgFields,
  ProblemError,
  SCOPES,
  type Scope,
  type Client
} from './api'
import {
  ActorName,
  ConfirmDialog,
  ErrorBox,
  Field,
  fieldErrors,
  formatTime,
  Link,
  Loading,
  navigate,
  Page,
  pendingChanged,
  PREFIX,
  takeFlash,
  setFlash,
  useLoad,
  useSession
} from './ui'
import { ChangeList } from './changes'
import { requestHref, REQUESTS } from './requests'

const PAGE_SIZE = 20

type Enabled = 'any' | 'yes' | 'no'

/** The org list: filters, search and page live in the URL. */
export function OrgListPage({ url }: { url: URL }) {
  const { client } = useSession()
  const params = url.searchParams
  const q = params.get('q') ?? ''
  const environment = (params.get('environment') ?? '') as Environment | ''
  const enabled = (['yes', 'no'].includes(params.get('enabled') ?? '') ? params.get('enabled') : 'any') as Enabled
  const page = Math.max(1, Math.floor(Number(params.get('page'))) || 1)
  const [flash] = useState(takeFlash)
  // The field follows the URL (back, reload, a link) while the render happens: an effect would run
  // after paint and could overwrite what was typed in between.
  const [search, setSearch] = useState(q)
  const searchFor = useRef(q)
  let searchValue = search
  if (searchFor.current !== q) {
    searchFor.current = q
    searchValue = q
    setSearch(q)
  }

  const [result, retry] = useLoad(`orgs${url.search}`, () =>
    client.listOrgs({
      page,
      limit: PAGE_SIZE,
      environment: environment || undefined,
      vipps_enabled: enabled === 'yes' ? 'true' : enabled === 'no' ? 'false' : 'any',
      q: q || undefined
    })
  )

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    for (const [key, value] of Object.entries(changes)) {
      if (value === '' || (key === 'enabled' && value === 'any') || (key === 'page' && value === '1')) next.delete(key)
      else next.set(key, value)
    }
    if (!('page' in changes)) next.delete('page')
    const text = next.toString()
    navigate(`${PREFIX}/${text ? `?${text}` : ''}`)
  }

  const total = result.state === 'done' ? result.value.pagination.total : 0
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const pageLink = (n: number) => {
    const next = new URLSearchParams(params)
    if (n === 1) next.delete('page')
    else next.set('page', String(n))
    const text = next.toString()
    return `${PREFIX}/${text ? `?${text}` : ''}`
  }

  return (
    <Page
      title="Organizations"
      actions={
        <Link class="button primary" href={`${PREFIX}/orgs/new`}>
          New organization
        </Link>
      }
    >
      {flash ? (
        <p class="flash" role="status">
          {flash}
        </p>
      ) : null}
      <form
        class="filters"
        role="search"
        aria-label="Find organizations"
        onSubmit={(e) => {
          e.preventDefault()
          // What the field holds now: a submit right after typing can come before the re-render
          // that would bring `search` up to date.
          const field = e.currentTarget.querySelector<HTMLInputElement>('#search')
          go({ q: (field?.value ?? search).trim() })
        }}
      >
        <div class="field">
          <label for="search">Search</label>
          <div class="inline">
            <input
              id="search"
              type="search"
              value={searchValue}
              maxLength={64}
              aria-describedby="search-help"
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
            <button type="submit">Search</button>
          </div>
          <p class="help" id="search-help">
            The start of an org id or a client id (not case-sensitive).
          </p>
        </div>
        <div class="field">
          <label for="filter-environment">Environment</label>
          <select id="filter-environment" value={environment} onChange={(e) => go({ environment: e.currentTarget.value })}>
            <option value="">Any</option>
            <option value="production">production</option>
            <option value="test">test</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-enabled">Vipps login enabled</label>
          <select id="filter-enabled" value={enabled} onChange={(e) => go({ enabled: e.currentTarget.value })}>
            <option value="any">Any</option>
            <option value="yes">Yes</option>
            <option value="no">No</option>
          </select>
        </div>
      </form>

      {result.state === 'loading' ? <Loading what="organizations" /> : null}
      {result.state === 'error' ? <ErrorBox error={result.error} retry={retry} title="Could not load the organizations" /> : null}
      {result.state === 'done' ? (
        <>
          <p class="count" role="status">
            {total === 0
              ? 'No organization matches.'
              : `${total} organization${total === 1 ? '' : 's'}${q ? ` starting with “${q}”` : ''}; page ${page} of ${pages}.`}
          </p>
          {result.value.data.length > 0 ? (
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Organizations">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Org id</th>
                    <th scope="col">Client id</th>
                    <th scope="col">Environment</th>
                    <th scope="col">Enabled</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {result.value.data.map((org) => (
                    <tr key={org.org_id}>
                      <th scope="row">
                        <Link href={`${PREFIX}/orgs/${encodeURIComponent(org.org_id)}`}>{org.org_id}</Link>
                      </th>
                      <td class="mono">{org.client_id}</td>
                      <td>{org.environment}</td>
                      <td>{org.vipps_enabled ? 'Yes' : 'No'}</td>
                      <td>
                        <time dateTime={org.created_at}>{formatTime(org.created_at)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {pages > 1 || page > 1 ? (
            <nav class="pager" aria-label="Pages">
              {page > 1 ? <Link href={pageLink(page - 1)}>Previous page</Link> : null}
              <span>
                Page {page} of {pages}
              </span>
              {page < pages ? <Link href={pageLink(page + 1)}>Next page</Link> : null}
            </nav>
          ) : null}
        </>
      ) : null}
    </Page>
  )
}

type FormValues = CreateOrgBody

const HELP: Record<keyof FormValues, string> = {
  org_id: '3–64 characters: lowercase letters, digits, - and _; cannot be changed later.',
  client_id: 'The client id Vipps issued for this organization’s sales unit.',
  client_secret_ref: 'Where the client secret is kept, as vault://path/to/secret. Never the secret itself.',
  redirect_uri: 'Exactly as registered with Vipps: https://…, or an app scheme such as myapp://callback. http:// only for localhost in test.',
  scopes: 'What the login asks the user to share. openid is always included.',
  environment: 'test uses apitest.vipps.no; production uses api.vipps.no.',
  vipps_enabled: 'When off, apps do not offer Log in with Vipps for this organization.'
}

function OrgForm(props: {
  mode: 'create' | 'edit'
  values: FormValues
  onChange: (values: FormValues) => void
  errors: Record<string, string>
  busy: boolean
  onSubmit: () => void
  onCancel?: () => void
}) {
  const { values, errors } = props
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => props.onChange({ ...values, [key]: value })
  const text = (key: 'org_id' | 'client_id' | 'client_secret_ref' | 'redirect_uri', label: string, extra: Record<string, unknown> = {}) => (
    <Field name={key} label={label} help={HELP[key]} error={errors[key]}>
      {(attrs) => (
        <input
          {...attrs}
          {...extra}
          type="text"
          autoComplete="off"
          spellcheck={false}
          value={values[key]}
          onInput={(e) => set(key, e.currentTarget.value)}
        />
      )}
    </Field>
  )
  const errorCount = Object.keys(errors).length
  return (
    <form
      class="org-form"
      noValidate
      aria-label={props.mode === 'create' ? 'New organization' : 'Edit configuration'}
      onSubmit={(e) => {
        e.preventDefault()
        props.onSubmit()
      }}
    >
      {errorCount > 0 ? (
        <p class="error-summary" role="alert">
          {errorCount === 1 ? 'One field needs attention' : `${errorCount} fields need attention`}: {Object.keys(errors).join(', ')}.
        </p>
      ) : null}
      {props.mode === 'create' ? text('org_id', 'Org id', { required: true, maxLength: 64 }) : null}
      {text('client_id', 'Client id', { required: true, maxLength: 255 })}
      {text('client_secret_ref', 'Client secret reference', { required: true, maxLength: 512 })}
      {text('redirect_uri', 'Redirect URI', { required: true, maxLength: 2048, inputMode: 'url' })}
      <fieldset
        class={`field${errors.scopes ? ' invalid' : ''}`}
        aria-describedby={`scopes-help${errors.scopes ? ' scopes-error' : ''}`}
        aria-invalid={errors.scopes ? 'true' : undefined}
      >
        <legend>Scopes</legend>
        <div class="checkboxes">
          {SCOPES.map((scope) => (
            <label key={scope} class="check">
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                checked={scope === 'openid' || values.scopes.includes(scope)}
                disabled={scope === 'openid'}
                onChange={(e) => {
                  const checked = e.currentTarget.checked
                  const next = SCOPES.filter((s) => s === 'openid' || (s === scope ? checked : values.scopes.includes(s)))
                  set('scopes', next as Scope[])
                }}
              />
              {scope}
              {scope === 'openid' ? ' (required)' : ''}
            </label>
          ))}
        </div>
        <p class="help" id="scopes-help">
          {HELP.scopes}
        </p>
        {errors.scopes ? (
          <p class="field-error" id="scopes-error">
            {errors.scopes}
          </p>
        ) : null}
      </fieldset>
      <Field name="environment" label="Environment" help={HELP.environment} error={errors.environment}>
        {(attrs) => (
          <select {...attrs} value={values.environment} onChange={(e) => set('environment', e.currentTarget.value as Environment)}>
            <option value="test">test</option>
            <option value="production">production</option>
          </select>
        )}
      </Field>
      <div class={`field${errors.vipps_enabled ? ' invalid' : ''}`}>
        <label class="check switch">
          <input
            type="checkbox"
            role="switch"
            name="vipps_enabled"
            id="field-vipps_enabled"
            checked={values.vipps_enabled}
            aria-describedby={`field-vipps_enabled-help${errors.vipps_enabled ? ' field-vipps_enabled-error' : ''}`}
            aria-invalid={errors.vipps_enabled ? 'true' : undefined}
            onChange={(e) => set('vipps_enabled', e.currentTarget.checked)}
          />
          Vipps login enabled
        </label>
        <p class="help" id="field-vipps_enabled-help">
          {HELP.vipps_enabled}
        </p>
        {errors.vipps_enabled ? (
          <p class="field-error" id="field-vipps_enabled-error">
            {errors.vipps_enabled}
          </p>
        ) : null}
      </div>
      <div class="buttons">
        <button type="submit" class="primary" disabled={props.busy}>
          {props.busy ? 'Saving…' : props.mode === 'create' ? 'Create organization' : 'Save changes'}
        </button>
        {props.onCancel ? (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  )
}

/** Moves focus to the first field the server named, so a keyboard user lands on it. */
function focusFirstInvalid(form: HTMLElement | null) {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
}

export function NewOrgPage() {
  const { client } = useSession()
  const [values, setValues] = useState<FormValues>({
    org_id: '',
    client_id: '',
    client_secret_ref: '',
    redirect_uri: '',
    scopes: ['openid'],
    environment: 'test',
    vipps_enabled: true
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const box = useRef<HTMLDivElement>(null)

  const submit = async () => {
    setBusy(true)
    setFailure(null)
    try {
      const created = await client.createOrg({ ...values, scopes: values.scopes.includes('openid') ? values.scopes : ['openid', ...values.scopes] })
      setFlash(`Created ${created.org_id}.`)
      navigate(`${PREFIX}/orgs/${encodeURIComponent(created.org_id)}`)
    } catch (error) {
      if (error instanceof HeldForApproval) {
        // A production org is created only when a second person approves.
        pendingChanged()
        setFlash(`Waiting for approval: ${values.org_id} is created in production when another person approves this request.`)
        navigate(requestHref(error.changeRequest.id))
        return
      }
      const byField = fieldErrors(error)
      if (error instanceof ProblemError && error.code === 'already_exists') byField.org_id = 'An organization with this org id already exists'
      setErrors(byField)
      if (Object.keys(byField).length === 0) setFailure(error)
      else focusFirstInvalid(box.current)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Page title="New organization">
      <p>
        <Link href={`${PREFIX}/`}>Back to organizations</Link>
      </p>
      {failure ? <ErrorBox error={failure} title="Not created" /> : null}
      <div ref={box}>
        <OrgForm mode="create" values={values} onChange={setValues} errors={errors} busy={busy} onSubmit={submit} />
      </div>
    </Page>
  )
}

interface Loaded {
  org: OrgConfig
  etag: string
  history: OrgEvent[]
  historyTotal: number
}

const EDITABLE = ['client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'environment', 'vipps_enabled'] as const

function changedFields(values: OrgFields, base: OrgFields): Partial<OrgFields> {
  const changes: Record<string, unknown> = {}
  for (const key of EDITABLE) {
    if (JSON.stringify(values[key]) !== JSON.stringify(base[key])) changes[key] = values[key]
  }
  return changes as Partial<OrgFields>
}

function versionOf(etag: string): number {
  return Number(/"(\d+)"/.exec(etag)?.[1] ?? 0)
}


/** A change the service held for a second person's approval: said, with the way to the request. */
function HeldNotice({ request, onDismiss }: { request: ChangeRequest; onDismiss: () => void }) {
  const fields = Object.keys(request.changes)
  return (
    <div class="held" role="status">
      <p>
        <strong>Waiting for approval.</strong>{' '}
        {request.operation === 'delete' ? 'Deleting this organization' : `Your change${fields.length ? ` of ${fields.join(', ')}` : ''}`} is{' '}
        <Link href={requestHref(request.id)}>change request {request.id}</Link>: it applies when another person approves it. Until then the
        organization stays as shown here.
      </p>
      <button type="button" class="link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  )
}

/** History events per page read (the contract's largest page). */
const HISTORY_PAGE = 100

interface Conflict {
  theirs: OrgEvent[]
  latest: OrgConfig
  etag: string
  mine: Partial<OrgFields>
}

/** The history after version `seen`, oldest first: read from the last page back as far as it goes. */
async function eventsSince(client: Client, orgId: string, seen: number): Promise<OrgEvent[]> {
  const first = await client.orgHistory(orgId, 1, HISTORY_PAGE)
  let page = Math.ceil(first.pagination.total / HISTORY_PAGE)
  const newer: OrgEvent[] = []
  for (; page >= 1; page--) {
    const events = page === 1 ? first.data : (await client.orgHistory(orgId, page, HISTORY_PAGE)).data
    newer.unshift(...events.filter((event) => event.version > seen))
    if (events.length === 0 || events[0]!.version <= seen) break
  }
  return newer
}

export function OrgPage({ orgId }: { orgId: string }) {
  const { client } = useSession()
  const [flash, setFlashHere] = useState<string | null>(takeFlash)
  const [result, reload] = useLoad<Loaded>(`org:${orgId}`, async () => {
    const { org, etag } = await client.getOrg(orgId)
    const first = await client.orgHistory(orgId, 1, HISTORY_PAGE)
    let history = first.data
    const pages = Math.ceil(first.pagination.total / HISTORY_PAGE)
    if (pages > 1) history = (await client.orgHistory(orgId, pages, HISTORY_PAGE)).data
    return { org, etag, history, historyTotal: first.pagination.total }
  })
  const [editing, setEditing] = useState(false)
  const [values, setValues] = useState<OrgFields | null>(null)
  const [base, setBase] = useState<{ org: OrgConfig; etag: string } | null>(null)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [confirmToggle, setConfirmToggle] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [typedId, setTypedId] = useState('')
  const [loginUrl, setLoginUrl] = useState<string | null>(null)
  const [held, setHeld] = useState<ChangeRequest | null>(null)
  const [pendingHere, reloadPending] = useLoad(`pending:${orgId}`, () => client.listChangeRequests({ state: 'pending', org_id: orgId }).catch(() => []))
  const box = useRef<HTMLDivElement>(null)
  const conflictRef = useRef<HTMLDivElement>(null)

  const loaded = result.state === 'done' ? result.value : null

  useEffect(() => {
    if (!loaded) return
    let current = true
    // A real authorize request (state, nonce, PKCE S256); the console never completes the login, so the verifier is dropped.
    void createPkcePair().then(({ challenge }) => {
      if (current) setLoginUrl(buildVippsAuthorizeUrl(loaded.org, { state: randomString(), nonce: randomString(), codeChallenge: challenge }))
    })
    return () => {
      current = false
    }
  }, [loaded])

  const startEditing = () => {
    if (!loaded) return
    setBase({ org: loaded.org, etag: loaded.etag })
    setValues(pickFields(loaded.org))
    setErrors({})
    setFailure(null)
    setConflict(null)
    setEditing(true)
  }

  /** The service held the write for approval: the org is unchanged; say so and where the request is. */
  const heldForApproval = (error: HeldForApproval) => {
    setHeld(error.changeRequest)
    setFlashHere(null)
    pendingChanged()
    reloadPending()
  }

  const save = async (changes: Partial<OrgFields>, etag: string) => {
    setBusy(true)
    setFailure(null)
    setHeld(null)
    try {
      await client.updateOrg(orgId, changes, etag)
      setEditing(false)
      setConflict(null)
      setErrors({})
      setFlashHere(`Saved: ${Object.keys(changes).join(', ')}.`)
      reload()
    } catch (error) {
      if (error instanceof HeldForApproval) {
        setEditing(false)
        setConflict(null)
        setErrors({})
        heldForApproval(error)
      } else if (error instanceof ProblemError && error.status === 412) {
        try {
          const latest = await client.getOrg(orgId)
          setConflict({ theirs: await eventsSince(client, orgId, versionOf(etag)), latest: latest.org, etag: latest.etag, mine: changes })
          requestAnimationFrame(() => conflictRef.current?.focus())
        } catch (readError) {
          // Deleted meanwhile, or the service stopped answering: say that instead of nothing.
          setFailure(readError)
        }
      } else {
        const byField = fieldErrors(error)
        setErrors(byField)
        if (Object.keys(byField).length === 0) setFailure(error)
        else focusFirstInvalid(box.current)
      }
    } finally {
      setBusy(false)
    }
  }

  const submitEdit = () => {
    if (!values || !base) return
    const changes = changedFields(values, pickFields(base.org))
    if (Object.keys(changes).length === 0) {
      setFailure(null)
      setErrors({})
      setFlashHere('Nothing changed: nothing was saved.')
      setEditing(false)
      return
    }
    void save(changes, base.etag)
  }

  const toggle = async () => {
    if (!loaded) return
    setConfirmToggle(false)
    setBusy(true)
    setHeld(null)
    try {
      await client.updateOrg(orgId, { vipps_enabled: !loaded.org.vipps_enabled }, loaded.etag)
      setFlashHere(`Vipps login ${loaded.org.vipps_enabled ? 'disabled' : 'enabled'} for ${orgId}.`)
    } catch (error) {
      if (error instanceof HeldForApproval) heldForApproval(error)
      else if (error instanceof ProblemError && error.status === 412) {
        setFlashHere('Someone else changed this organization just now: here is its current state. Nothing was switched.')
      } else setFailure(error)
    } finally {
      setBusy(false)
      reload()
    }
  }

  const remove = async () => {
    if (!loaded || typedId !== orgId) return
    setBusy(true)
    try {
      await client.deleteOrg(orgId, loaded.etag)
      setConfirmDelete(false)
      setFlash(`Deleted ${orgId}. Its history is kept.`)
      navigate(`${PREFIX}/`)
    } catch (error) {
      setConfirmDelete(false)
      if (error instanceof HeldForApproval) heldForApproval(error)
      else setFailure(error)
      reload()
    } finally {
      setBusy(false)
    }
  }

  if (result.state === 'loading' && !loaded) {
    return (
      <Page title={orgId}>
        <Loading what="the organization" />
      </Page>
    )
  }
  if (result.state === 'error') {
    const notFound = result.error instanceof ProblemError && result.error.status === 404
    return (
      <Page title={orgId}>
        <ErrorBox error={result.error} retry={notFound ? undefined : reload} title={notFound ? 'No such organization' : 'Could not load'} />
        <p>
          <Link href={`${PREFIX}/`}>Back to organizations</Link>
        </p>
      </Page>
    )
  }
  if (!loaded) return null
  const { org } = loaded
  const last = loaded.history[loaded.history.length - 1]

  return (
    <Page title={org.org_id}>
      <p>
        <Link href={`${PREFIX}/`}>Back to organizations</Link>
      </p>
      {flash ? (
        <p class="flash" role="status">
          {flash}
        </p>
      ) : null}
      {failure ? <ErrorBox error={failure} title="Not saved" /> : null}
      {held ? <HeldNotice request={held} onDismiss={() => setHeld(null)} /> : null}
      {pendingHere.state === 'done' && pendingHere.value.length > 0 ? (
        <section aria-labelledby="pending-heading" class="card">
          <h2 id="pending-heading">Waiting for approval</h2>
          <ul>
            {pendingHere.value.map((request) => (
              <li key={request.id}>
                <Link href={requestHref(request.id)}>
                  {request.operation === 'delete' ? 'Delete' : Object.keys(request.changes).join(', ')}
                </Link>{' '}
                asked by <ActorName actor={request.requested_by} /> at <time dateTime={request.requested_at}>{formatTime(request.requested_at)}</time>
              </li>
            ))}
          </ul>
          <p class="help">
            These apply only when another person approves them. <Link href={`${REQUESTS}?org_id=${encodeURIComponent(orgId)}`}>All of this organization’s requests</Link>
          </p>
        </section>
      ) : null}

      <section aria-labelledby="status-heading" class="card">
        <h2 id="status-heading">Status</h2>
        <p class="status-line">
          <span class={`badge ${org.vipps_enabled ? 'on' : 'off'}`}>{org.vipps_enabled ? 'Vipps login enabled' : 'Vipps login disabled'}</span>{' '}
          <span class={`badge env-${org.environment}`}>{org.environment}</span>
        </p>
        <p>
          Last change:{' '}
          {last ? (
            <>
              version {last.version}, {last.action} by{' '}
              <strong>
                <ActorName actor={last.actor} />
              </strong>
              {last.approved_by ? (
                <>
                  , approved by{' '}
                  <strong>
                    <ActorName actor={last.approved_by} />
                  </strong>
                </>
              ) : null}{' '}
              at <time dateTime={last.at}>{formatTime(last.at)}</time>
            </>
          ) : (
            '—'
          )}
        </p>
        <div class="buttons">
          <button
            type="button"
            class={org.vipps_enabled ? 'danger' : 'primary'}
            disabled={busy}
            onClick={() => (org.environment === 'production' ? setConfirmToggle(true) : void toggle())}
          >
            {org.vipps_enabled ? 'Disable Vipps login' : 'Enable Vipps login'}
          </button>
          {loginUrl ? (
            <a class="button" href={loginUrl} target="_blank" rel="noopener noreferrer" aria-describedby="test-login-help">
              Test login with Vipps
            </a>
          ) : null}
        </div>
        <p class="help" id="test-login-help">
          Test login opens Vipps’s login page (new tab) with this client id, redirect URI and scopes: an error from Vipps there means it
          does not accept them.
        </p>
      </section>

      <section aria-labelledby="config-heading" class="card">
        <div class="section-head">
          <h2 id="config-heading">Configuration</h2>
          {!editing ? (
            <button type="button" onClick={startEditing}>
              Edit
            </button>
          ) : null}
        </div>
        {conflict ? (
          <div class="conflict" role="alert" tabIndex={-1} ref={conflictRef}>
            <h3>Someone else changed this organization while you were editing</h3>
            {conflict.theirs.length > 0 ? (
              conflict.theirs.map((event) => (
                <div key={event.version}>
                  <p>
                    Version {event.version}: {event.action} by{' '}
                    <strong>
                      <ActorName actor={event.actor} />
                    </strong>{' '}
                    at{' '}
                    <time dateTime={event.at}>{formatTime(event.at)}</time>
                  </p>
                  <ChangeList changes={event.changes} />
                </div>
              ))
            ) : (
              <p>Its version changed; the history shows no field change since you loaded it.</p>
            )}
            <p>Your changes, not saved:</p>
            <ChangeList
              changes={Object.fromEntries(
                Object.entries(conflict.mine).map(([field, to]) => [field, { from: conflict.latest[field as keyof OrgFields], to }])
              )}
            />
            <div class="buttons">
              <button type="button" class="primary" disabled={busy} onClick={() => void save(conflict.mine, conflict.etag)}>
                Re-apply my changes
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setConflict(null)
                  setEditing(false)
                  reload()
                }}
              >
                Reload and discard my changes
              </button>
            </div>
          </div>
        ) : null}
        {editing && values ? (
          <div ref={box}>
            <OrgForm
              mode="edit"
              values={{ ...values, org_id: org.org_id }}
              onChange={(next) => setValues(pickFields(next))}
              errors={errors}
              busy={busy}
              onSubmit={submitEdit}
              onCancel={() => {
                setEditing(false)
                setConflict(null)
                setErrors({})
              }}
            />
          </div>
        ) : (
          <dl class="fields">
            <dt>Org id</dt>
            <dd class="mono">{org.org_id}</dd>
            <dt>Client id</dt>
            <dd class="mono">{org.client_id}</dd>
            <dt>Client secret reference</dt>
            <dd class="mono">{org.client_secret_ref}</dd>
            <dt>Redirect URI</dt>
            <dd class="mono">{org.redirect_uri}</dd>
            <dt>Scopes</dt>
            <dd>{org.scopes.join(', ')}</dd>
            <dt>Environment</dt>
            <dd>{org.environment}</dd>
            <dt>Vipps login enabled</dt>
            <dd>{org.vipps_enabled ? 'Yes' : 'No'}</dd>
            <dt>Created</dt>
            <dd>
              <time dateTime={org.created_at}>{formatTime(org.created_at)}</time>
            </dd>
            <dt>Updated</dt>
            <dd>
              <time dateTime={org.updated_at}>{formatTime(org.updated_at)}</time>
            </dd>
            <dt>Version (ETag)</dt>
            <dd class="mono">{loaded.etag}</dd>
          </dl>
        )}
      </section>

      <section aria-labelledby="history-heading" class="card">
        <h2 id="history-heading">History</h2>
        {loaded.historyTotal > loaded.history.length ? (
          <p class="help">
            The latest {loaded.history.length} of {loaded.historyTotal} changes.
          </p>
        ) : null}
        <ol class="timeline" reversed>
          {[...loaded.history].reverse().map((event) => (
            <li key={event.version} class="event">
              <p>
                <strong>
                  Version {event.version}: {event.action}
                </strong>{' '}
                by <ActorName actor={event.actor} />
                {event.approved_by ? (
                  <>
                    , approved by <ActorName actor={event.approved_by} />
                  </>
                ) : null}{' '}
                at <time dateTime={event.at}>{formatTime(event.at)}</time>
              </p>
              <ChangeList changes={event.changes} />
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="delete-heading" class="card danger-zone">
        <h2 id="delete-heading">Delete</h2>
        <p>Removes this organization’s configuration: apps can no longer read it. The history is kept; the org id can be created again.</p>
        <button
          type="button"
          class="danger"
          onClick={() => {
            setTypedId('')
            setConfirmDelete(true)
          }}
        >
          Delete organization…
        </button>
      </section>

      <ConfirmDialog
        open={confirmToggle}
        title={`${org.vipps_enabled ? 'Disable' : 'Enable'} Vipps login in production?`}
        confirmLabel={org.vipps_enabled ? 'Disable Vipps login' : 'Enable Vipps login'}
        danger={org.vipps_enabled}
        onConfirm={() => void toggle()}
        onCancel={() => setConfirmToggle(false)}
      >
        <p>
          {org.org_id} is in production:{' '}
          {org.vipps_enabled ? 'its users can no longer log in with Vipps until it is enabled again.' : 'its users will be offered Vipps login at once.'}
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${org.org_id}?`}
        confirmLabel="Delete"
        danger
        confirmDisabled={typedId !== org.org_id || busy}
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      >
        <div class="field">
          <label for="confirm-org-id">Type the org id to confirm</label>
          <input
            id="confirm-org-id"
            type="text"
            autoComplete="off"
            spellcheck={false}
            value={typedId}
            aria-describedby="confirm-org-id-help"
            onInput={(e) => setTypedId(e.currentTarget.value)}
          />
          <p class="help" id="confirm-org-id-help">
            <span class="mono">{org.org_id}</span>
          </p>
        </div>
      </ConfirmDialog>
    </Page>
  )
}

function pickFields(org: OrgFields): OrgFields {
  return {
    client_id: org.client_id,
    client_secret_ref: org.client_secret_ref,
    redirect_uri: org.redirect_uri,
    scopes: [...org.scopes],
    environment: org.environment,
    vipps_enabled: org.vipps_enabled
  }
}

function randomString(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('')
}
