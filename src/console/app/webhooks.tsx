import { useRef, useState } from 'preact/hooks'
import { type CreatedWebhook, DEFAULT_EVENT_TYPES, ProblemError } from './api'
import { ConfirmDialog, ErrorBox, fieldErrors, formatTime, Link, Loading, navigate, Page, PREFIX, setFlash, takeFlash, useLoad, useSession } from './ui'
import { EndpointFields, type EndpointValues, focusFirstInvalid } from './webhook-form'

const NEW_ENDPOINT: EndpointValues = { url: '', description: '', event_types: [...DEFAULT_EVENT_TYPES], enabled: true }

/** Shows a new signing secret once, with a copy button (after a create, and after a rotation). */
export function SecretOnce({ secret, url }: { secret: string; url: string }) {
  const [copied, setCopied] = useState<string | null>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      setCopied('Copied to the clipboard.')
    } catch {
      setCopied('Could not copy: select the secret and copy it by hand.')
    }
  }
  return (
    <div class="secret card" role="region" aria-labelledby="secret-heading">
      <h2 id="secret-heading">Signing secret of {url}</h2>
      <p>
        Shown only now: store it where the receiver verifies signatures. It cannot be shown again (rotate it to get a new one).
      </p>
      <p class="secret-value">
        <code id="webhook-secret">{secret}</code>
      </p>
      <div class="buttons">
        <button type="button" class="primary" onClick={() => void copy()} aria-describedby="webhook-secret">
          Copy secret
        </button>
        <span role="status">{copied}</span>
      </div>
    </div>
  )
}

export function WebhooksPage() {
  const { client } = useSession()
  const [result, reload] = useLoad('webhooks', () => client.listWebhooks())
  const [flash] = useState(takeFlash)
  const [values, setValues] = useState<EndpointValues>(NEW_ENDPOINT)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<CreatedWebhook | null>(null)
  const form = useRef<HTMLFormElement>(null)

  const create = async () => {
    setBusy(true)
    setFailure(null)
    try {
      const webhook = await client.createWebhook({ ...values, url: values.url.trim() })
      setCreated(webhook)
      setErrors({})
      setValues({ ...values, url: '', description: '' })
      reload()
    } catch (error) {
      const byField = fieldErrors(error)
      setErrors(byField)
      if (Object.keys(byField).length === 0) setFailure(error)
      else focusFirstInvalid(form.current)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Page title="Webhooks">
      {flash ? (
        <p class="flash" role="status">
          {flash}
        </p>
      ) : null}
      {created ? <SecretOnce secret={created.secret} url={created.url} /> : null}
      <section aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        {result.state === 'loading' ? <Loading what="webhooks" /> : null}
        {result.state === 'error' ? <ErrorBox error={result.error} retry={reload} title="Could not load the webhooks" /> : null}
        {result.state === 'done' && result.value.length === 0 ? <p>No webhook endpoint yet.</p> : null}
        {result.state === 'done' && result.value.length > 0 ? (
          <div class="table-scroll" tabIndex={0} role="region" aria-label="Webhook endpoints">
            <table>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Description</th>
                  <th scope="col">Events</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {result.value.map((webhook) => (
                  <tr key={webhook.id}>
                    <th scope="row">
                      <Link href={`${PREFIX}/webhooks/${encodeURIComponent(webhook.id)}`}>{webhook.url}</Link>
                    </th>
                    <td>{webhook.description || '—'}</td>
                    <td>{webhook.event_types.join(', ')}</td>
                    <td>{webhook.enabled ? 'Yes' : `No${webhook.disabled_reason ? ` (${webhook.disabled_reason})` : ''}`}</td>
                    <td>
                      <time dateTime={webhook.created_at}>{formatTime(webhook.created_at)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="new-webhook-heading" class="card">
        <h2 id="new-webhook-heading">New endpoint</h2>
        {failure ? <ErrorBox error={failure} title="Not created" /> : null}
        <form
          ref={form}
          noValidate
          aria-labelledby="new-webhook-heading"
          onSubmit={(e) => {
            e.preventDefault()
            void create()
          }}
        >
          <EndpointFields values={values} onChange={setValues} errors={errors} />
          <div class="buttons">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create endpoint'}
            </button>
          </div>
        </form>
      </section>
    </Page>
  )
}

export function WebhookPage({ id }: { id: string }) {
  const { client } = useSession()
  const [result, reload] = useLoad(`webhook:${id}`, async () => ({
    webhook: await client.getWebhook(id),
    deliveries: await client.webhookDeliveries(id, 20)
  }))
  const [message, setMessage] = useState<string | null>(takeFlash)
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)

  const sendTest = async () => {
    setBusy(true)
    setFailure(null)
    try {
      const queued = await client.sendWebhookTest(id)
      setMessage(`Test event ${queued.event_id} queued: it shows below as pending until it is delivered.`)
      reload()
    } catch (error) {
      setFailure(error)
    } finally {
      setBusy(false)
    }
  }
  const remove = async () => {
    setBusy(true)
    try {
      await client.deleteWebhook(id)
      setFlash('Webhook endpoint deleted.')
      navigate(`${PREFIX}/webhooks`)
    } catch (error) {
      setConfirmDelete(false)
      setFailure(error)
    } finally {
      setBusy(false)
    }
  }

  if (result.state === 'loading')
    return (
      <Page title="Webhook endpoint">
        <Loading what="the webhook endpoint" />
      </Page>
    )
  if (result.state === 'error') {
    const notFound = result.error instanceof ProblemError && result.error.status === 404
    return (
      <Page title="Webhook endpoint">
        <ErrorBox error={result.error} retry={notFound ? undefined : reload} title={notFound ? 'No such webhook endpoint' : 'Could not load'} />
        <p>
          <Link href={`${PREFIX}/webhooks`}>Back to webhooks</Link>
        </p>
      </Page>
    )
  }
  const { webhook, deliveries } = result.value
  return (
    <Page title="Webhook endpoint">
      <p>
        <Link href={`${PREFIX}/webhooks`}>Back to webhooks</Link>
      </p>
      {message ? (
        <p class="flash" role="status">
          {message}
        </p>
      ) : null}
      {failure ? <ErrorBox error={failure} title="Failed" /> : null}
      <section class="card" aria-labelledby="webhook-heading">
        <h2 id="webhook-heading" class="mono">
          {webhook.url}
        </h2>
        <dl class="fields">
          <dt>Id</dt>
          <dd class="mono">{webhook.id}</dd>
          <dt>Description</dt>
          <dd>{webhook.description || '—'}</dd>
          <dt>Events</dt>
          <dd>{webhook.event_types.join(', ')}</dd>
          <dt>Enabled</dt>
          <dd>{webhook.enabled ? 'Yes' : `No${webhook.disabled_reason ? `: ${webhook.disabled_reason}` : ''}`}</dd>
          <dt>Created</dt>
          <dd>{formatTime(webhook.created_at)}</dd>
        </dl>
        <div class="buttons">
          <button type="button" class="primary" disabled={busy} onClick={() => void sendTest()}>
            Send test event
          </button>
          <Link class="button" href={`${PREFIX}/webhooks/${encodeURIComponent(webhook.id)}/edit`}>
            Edit endpoint
          </Link>
          <Link class="button" href={`${PREFIX}/webhooks/${encodeURIComponent(webhook.id)}/rotate-secret`}>
            Rotate secret
          </Link>
          <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
            Delete endpoint…
          </button>
        </div>
      </section>
      <section aria-labelledby="deliveries-heading">
        <div class="section-head">
          <h2 id="deliveries-heading">Recent deliveries</h2>
          <button type="button" onClick={reload}>
            Refresh
          </button>
        </div>
        {deliveries.length === 0 ? (
          <p>No delivery yet.</p>
        ) : (
          <div class="table-scroll" tabIndex={0} role="region" aria-label="Recent deliveries">
            <table>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Type</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">Status</th>
                  <th scope="col">Response</th>
                  <th scope="col">Attempted</th>
                  <th scope="col">Next attempt</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={`${d.event_id}:${d.attempt}`}>
                    <td class="mono">{d.event_id}</td>
                    <td>{d.event_type}</td>
                    <td>{d.attempt}</td>
                    <td>
                      <span class={`badge delivery-${d.status}`}>{d.status}</span>
                    </td>
                    <td>{d.response_status ?? d.error ?? '—'}</td>
                    <td>{formatTime(d.attempted_at)}</td>
                    <td>{formatTime(d.next_attempt_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this webhook endpoint?"
        confirmLabel="Delete"
        danger
        confirmDisabled={busy}
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>Deliveries to {webhook.url} stop at once. Its delivery records are kept for 30 days.</p>
      </ConfirmDialog>
    </Page>
  )
}
