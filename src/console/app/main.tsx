import { render } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { type Client, createClient, type Me, ProblemError } from './api'
import { NewOrgPage, OrgListPage, OrgPage } from './orgs'
import { PendingCount } from './pending-count'
import { RequestPage, REQUESTS, RequestsPage } from './requests'
import { ActorName, ErrorBox, Link, Loading, navigate, Page, PREFIX, type Session, SessionContext, useLocation } from './ui'
import { WebhookEditPage, WebhookRotatePage } from './webhook-edit'
import { WebhookPage, WebhooksPage } from './webhooks'
import './styles.css'

/** The API key or admin token lives in this tab's sessionStorage only and goes only to this origin. */
const TOKEN_KEY = 'vipps-orgs-console-token'

interface Access {
  /** POST/PUT/DELETE of orgs need no token. */
  writesOpen: boolean
  /** Webhook management needs no token: no way to sign in on this server at all. */
  adminOpen: boolean
  /** People sign in with the identity provider here (OIDC_ISSUER): its name for the button. */
  signInWith: string | null
}

/** The OpenAPI document's security scheme of people's sessions (set only with OIDC_ISSUER). */
const SESSION_SCHEME = 'sessionCookie'

const isOpen = (security: Record<string, string[]>[] | undefined) => !security || security.some((s) => Object.keys(s).length === 0)

/** What this server lets through without a token, from its public OpenAPI document. */
async function readAccess(client: Client): Promise<Access> {
  const { paths, components } = await client.openapi()
  const session = components?.securitySchemes?.[SESSION_SCHEME]
  return {
    writesOpen: isOpen(paths['/api/v1/vipps-orgs']?.post?.security),
    adminOpen: isOpen(paths['/api/v1/webhooks']?.get?.security),
    signInWith: session ? String(session['x-provider-name'] ?? 'your identity provider') : null
  }
}

/** Where the identity provider's sign-in starts; the person comes back to the page they were on. */
function signInHref(): string {
  return `/auth/login?return_to=${encodeURIComponent(location.pathname + location.search)}`
}

function SignIn({ onToken, notice, signInWith }: { onToken: (token: string, me: Me) => void; notice: string | null; signInWith: string | null }) {
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    const value = token.trim()
    if (!value) {
      setError('Paste an API key or an admin token')
      return
    }
    setBusy(true)
    setError(null)
    setFailure(null)
    try {
      // Who the credential is: a 401 for anything the service does not accept.
      const me = await createClient({ baseUrl: location.origin, token: value }).getMe()
      onToken(value, me)
    } catch (err) {
      if (err instanceof ProblemError && err.status === 401) setError('The service does not accept this key or token')
      else setFailure(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Page title="Sign in">
      {notice ? (
        <p class="flash" role="status">
          {notice}
        </p>
      ) : null}
      {failure ? <ErrorBox error={failure} title="Could not sign in" /> : null}
      {signInWith ? (
        <div class="card narrow">
          <p>
            <a class="button primary" href={signInHref()}>
              Sign in with {signInWith}
            </a>
          </p>
          <p class="help">Your role in vipps-orgs comes from {signInWith}. Or use an API key or an admin token below.</p>
        </div>
      ) : null}
      <form
        class="card narrow"
        noValidate
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div class={`field${error ? ' invalid' : ''}`}>
          <label for="token">API key or admin token</label>
          <input
            id="token"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={token}
            aria-describedby={`token-help${error ? ' token-error' : ''}`}
            aria-invalid={error ? 'true' : undefined}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
          <p class="help" id="token-help">
            An API key (vok_…) or one of the server’s ADMIN_TOKENS. It stays in this browser tab (sessionStorage) and is sent only to this service.
          </p>
          {error ? (
            <p class="field-error" id="token-error">
              {error}
            </p>
          ) : null}
        </div>
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </div>
      </form>
    </Page>
  )
}

function Routes({ url }: { url: URL }) {
  const path = url.pathname.replace(/\/+$/, '') || PREFIX
  let match: RegExpExecArray | null
  if (path === PREFIX) return <OrgListPage url={url} />
  if (path === `${PREFIX}/orgs/new`) return <NewOrgPage />
  if ((match = /^\/console\/orgs\/([^/]+)$/.exec(path))) return <OrgPage key={match[1]} orgId={decodeURIComponent(match[1]!)} />
  if (path === REQUESTS) return <RequestsPage url={url} />
  if ((match = /^\/console\/requests\/([^/]+)$/.exec(path))) return <RequestPage key={match[1]} id={decodeURIComponent(match[1]!)} />
  if (path === `${PREFIX}/webhooks`) return <WebhooksPage />
  if ((match = /^\/console\/webhooks\/([^/]+)$/.exec(path))) return <WebhookPage key={match[1]} id={decodeURIComponent(match[1]!)} />
  if ((match = /^\/console\/webhooks\/([^/]+)\/edit$/.exec(path))) return <WebhookEditPage key={match[1]} id={decodeURIComponent(match[1]!)} />
  if ((match = /^\/console\/webhooks\/([^/]+)\/rotate-secret$/.exec(path))) return <WebhookRotatePage key={match[1]} id={decodeURIComponent(match[1]!)} />
  return (
    <Page title="Not found">
      <p>
        There is no such page in the console. <Link href={`${PREFIX}/`}>Go to the organizations</Link>.
      </p>
    </Page>
  )
}

/** A signed-in person with no recognised role: they may do nothing here, and are told why. */
function NoRole({ person, signInWith }: { person: Me; signInWith: string | null }) {
  return (
    <Page title="No access yet">
      <p>
        You are signed in as <strong>{person.actor.name}</strong>, but {signInWith ?? 'your identity provider'} gives you no role in vipps-orgs, so there
        is nothing you may see or change here.
      </p>
      <p>Ask an administrator for a role (admin, editor or viewer, or editor or viewer of some organizations); it counts from your next sign-in.</p>
    </Page>
  )
}

/** “admin”, “editor of 2 organizations”, “no role”. */
function roleText(person: Me): string {
  if (!person.role) return 'no role'
  if (!person.org_ids) return person.role
  return `${person.role} of ${person.org_ids.length === 1 ? person.org_ids[0] : `${person.org_ids.length} organizations`}`
}

function App() {
  const url = useLocation()
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY))
  const [notice, setNotice] = useState<string | null>(null)
  const [access, setAccess] = useState<Access | null>(null)
  const [accessError, setAccessError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  /** The person signed in by cookie: undefined while unknown, null when nobody is. */
  const [person, setPerson] = useState<Me | null | undefined>(undefined)
  /** Who the pasted key or token acts as, for the header. */
  const [me, setMe] = useState<Me | null>(null)
  const client = useMemo(
    () => createClient({ baseUrl: location.origin, token: token ?? undefined, csrfToken: person?.csrf_token }),
    [token, person]
  )

  // Who the pasted credential is, for the header (and whether it still works).
  useEffect(() => {
    setMe(null)
    if (token) client.getMe().then(setMe, () => undefined)
  }, [client, token])

  useEffect(() => {
    setAccessError(null)
    readAccess(createClient({ baseUrl: location.origin })).then(setAccess, setAccessError)
  }, [attempt])

  // A session cookie (HttpOnly: the page cannot see it) shows in who the service says we are.
  useEffect(() => {
    if (!access) return
    if (!access.signInWith || token) return setPerson(null)
    createClient({ baseUrl: location.origin })
      .getMe()
      .then(
        (me) => setPerson(me.actor.type === 'user' ? me : null),
        () => setPerson(null)
      )
  }, [access, token])

  const session: Session = useMemo(
    () => ({
      client,
      writesOpen: access?.writesOpen ?? false,
      me: person ?? (token ? me : null),
      signOut(message?: string) {
        sessionStorage.removeItem(TOKEN_KEY)
        setToken(null)
        setPerson(null)
        setNotice(message ?? 'Signed out.')
      }
    }),
    [client, access, person, me, token]
  )

  const signOutPerson = async () => {
    try {
      const { end_session_url } = await client.signOut()
      if (end_session_url) return location.assign(end_session_url)
      session.signOut()
    } catch (err) {
      setNotice(null)
      setAccessError(err)
    }
  }

  const needsSignIn = access !== null && !access.adminOpen && !token && person === null
  let body
  if (accessError) body = <Page title="vipps-orgs console"><ErrorBox error={accessError} retry={() => setAttempt((n) => n + 1)} title="The console cannot start" /></Page>
  else if (!access || person === undefined) body = <Loading what="the console" />
  else if (needsSignIn)
    body = (
      <SignIn
        notice={notice}
        signInWith={access.signInWith}
        onToken={(value, signedIn) => {
          sessionStorage.setItem(TOKEN_KEY, value)
          setNotice(null)
          setToken(value)
          setMe(signedIn)
        }}
      />
    )
  else if (person && !person.role) body = <NoRole person={person} signInWith={access.signInWith} />
  else body = <Routes url={url} />

  const here = url.pathname
  const current = (active: boolean) => (active ? ('page' as const) : undefined)
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link class="brand" href={`${PREFIX}/`}>
          vipps-orgs console
        </Link>
        {person ?? (token ? me : null) ? (
          <p class="who">
            Signed in as{' '}
            <strong>
              <ActorName actor={(person ?? me)!.actor} />
            </strong>{' · '}
            <span class="badge">{roleText((person ?? me)!)}</span>
          </p>
        ) : null}
        {access && person !== undefined && !needsSignIn ? (
          <nav aria-label="Main">
            <ul>
              <li>
                <Link href={`${PREFIX}/`} aria-current={current(here === `${PREFIX}/` || here.startsWith(`${PREFIX}/orgs`))}>
                  Organizations
                </Link>
              </li>
              <li>
                <Link href={REQUESTS} aria-current={current(here.startsWith(REQUESTS))}>
                  Pending changes
                  <PendingCount client={client} here={url.href} />
                </Link>
              </li>
              <li>
                <Link href={`${PREFIX}/webhooks`} aria-current={current(here.startsWith(`${PREFIX}/webhooks`))}>
                  Webhooks
                </Link>
              </li>
              <li>
                <a href="/docs">API docs</a>
              </li>
              {person ? (
                <li>
                  <button type="button" class="link" onClick={() => void signOutPerson()}>
                    Sign out
                  </button>
                </li>
              ) : token ? (
                <li>
                  <button type="button" class="link" onClick={() => (session.signOut(), navigate(`${PREFIX}/`))}>
                    Sign out
                  </button>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
      </header>
      {access?.writesOpen ? (
        <p class="banner" role="note">
          Writes are open on this server: anyone who can reach it can change configurations (no way to sign in is configured, or AUTH_DISABLED=true).
          Fine for development, never for production.
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <footer>
        <p>
          vipps-orgs · <a href="/docs">API documentation</a>
        </p>
      </footer>
    </SessionContext.Provider>
  )
}

render(<App />, document.getElementById('app')!)
