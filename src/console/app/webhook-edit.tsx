import { useRef, useState } from 'preact/hooks'
import { ProblemError, type UpdateWebhookRequest, type Webhook } from './api'
import { ErrorBox, fieldErrors, Link, Loading, navigate, Page, PREFIX, setFlash, useLoad, useSession } from './ui'
import { EndpointFields, type EndpointValues, focusFirstInvalid } from './webhook-form'
import { SecretOnce } from './webhooks'

const endpointPath = (id: string) => `${PREFIX}/webhooks/${encodeURIComponent(id)}`

const valuesOf = (webhook: Webhook): EndpointValues => ({
  url: webhook.url,
  description: webhook.description,
  event_types: webhook.event_types,
  enabled: webhook.enabled
})

/** The fields whose values differ (event types compared as sets, in the form's order). */
function changedFields(values: EndpointValues, loaded: EndpointValues): UpdateWebhookRequest {
  const changes: UpdateWebhookRequest = {}
  if (values.url.trim() !== loaded.url) changes.url = values.url.trim()
  if (values.description !== loaded.description) changes.description = values.description
  if (values.event_types.length !== loaded.event_types.length || values.event_types.some((t) => !loaded.event_types.includes(t))) {
    changes.event_types = values.event_types
  }
  if (values.enabled !== loaded.enabled) changes.enabled = values.enabled
  return changes
}

/** An endpoint that could not be loaded: gone (404), or the service did not answer. */
function NotLoaded({ title, error, retry, id }: { title: string; error: unknown; retry: () => void; id: string }) {
  const notFound = error instanceof ProblemError && error.status === 404
  return (
    <Page title={title}>
      <ErrorBox error={error} retry={notFound ? undefined : retry} title={notFound ? 'No such webhook endpoint' : 'Could not load'} />
      <p>
        <Link href={notFound ? `${PREFIX}/webhooks` : endpointPath(id)}>{notFound ? 'Back to webhooks' : 'Back to the endpoint'}</Link>
      </p>
    </Page>
  )
}

/** Edit an endpoint: its fields as loaded; Save sends only what changed. */
export function WebhookEditPage({ id }: { id: string }) {
  const { client } = useSession()
  const [result, reload] = useLoad(`webhook-edit:${id}`, () => client.getWebhook(id))
  const [values, setValues] = useState<EndpointValues | null>(null)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)

  if (result.state === 'loading')
    return (
      <Page title="Edit webhook endpoint">
        <Loading what="the webhook endpoint" />
      </Page>
    )
  if (result.state === 'error') return <NotLoaded title="Edit webhook endpoint" error={result.error} retry={reload} id={id} />
  const loaded = valuesOf(result.value)
  const shown = values ?? loaded

  const save = async () => {
    const changes = changedFields(shown, loaded)
    if (Object.keys(changes).length === 0) {
      setFlash('Nothing changed: nothing was saved.')
      navigate(endpointPath(id))
      return
    }
    setBusy(true)
    setFailure(null)
    try {
      await client.updateWebhook(id, changes)
      setFlash(`Saved: ${Object.keys(changes).join(', ')}.`)
      navigate(endpointPath(id))
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
    <Page title="Edit webhook endpoint">
      <p>
        <Link href={endpointPath(id)}>Back to the endpoint</Link>
      </p>
      {failure ? <ErrorBox error={failure} title="Not saved" /> : null}
      <form
        ref={form}
        class="card"
        noValidate
        aria-label={`Edit ${result.value.url}`}
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <EndpointFields values={shown} onChange={setValues} errors={errors} />
        <p class="help">Re-enabling starts from now: changes made while it was off are in the change feed, not delivered.</p>
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
          <Link class="button" href={endpointPath(id)}>
            Cancel
          </Link>
        </div>
      </form>
    </Page>
  )
}

/** Rotate an endpoint's signing secret: the new one is shown once; the old one also signs for 24 hours. */
export function WebhookRotatePage({ id }: { id: string }) {
  const { client } = useSession()
  const [result, reload] = useLoad(`webhook-rotate:${id}`, () => client.getWebhook(id))
  const [secret, setSecret] = useState<string | null>(null)
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  if (result.state === 'loading')
    return (
      <Page title="Rotate signing secret">
        <Loading what="the webhook endpoint" />
      </Page>
    )
  if (result.state === 'error') return <NotLoaded title="Rotate signing secret" error={result.error} retry={reload} id={id} />
  const webhook = result.value

  const rotate = async () => {
    setBusy(true)
    setFailure(null)
    try {
      setSecret((await client.rotateWebhookSecret(id)).secret)
    } catch (error) {
      setFailure(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Page title="Rotate signing secret">
      <p>
        <Link href={endpointPath(id)}>Back to the endpoint</Link>
      </p>
      {failure ? <ErrorBox error={failure} title="Not rotated" /> : null}
      {secret ? (
        <SecretOnce secret={secret} url={webhook.url} />
      ) : (
        <section class="card" aria-labelledby="rotate-heading">
          <h2 id="rotate-heading" class="mono">
            {webhook.url}
          </h2>
          <p>
            A new signing secret replaces the current one. For 24 hours deliveries carry two signatures, one with each, so the
            receiver can switch to the new secret without missing a delivery. The new secret is shown once.
          </p>
          <div class="buttons">
            <button type="button" class="primary" disabled={busy} onClick={() => void rotate()}>
              {busy ? 'Rotating…' : 'Rotate secret'}
            </button>
          </div>
        </section>
      )}
    </Page>
  )
}
