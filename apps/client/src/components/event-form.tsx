'use client'

import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import { NO_ERRORS, splitErrors, type FormErrors } from '../lib/errors'
import { CATEGORY_LABEL } from '../lib/format'
import type { CatalogueEvent } from '../lib/types'
import { instantOf, localOf } from '../lib/zoned-time'
import { Field, FormAlert } from './form-parts'

const FIELDS = [
  'name',
  'performer',
  'venue',
  'city',
  'country',
  'startsAt',
  'timezone',
  'category',
  'imageUrl',
]
const ZONES = [
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
  'UTC',
]

/** An admin adds an event (POST /api/events) or, given one, edits, postpones or cancels it. */
export function EventForm({ event }: { event?: CatalogueEvent }) {
  const router = useRouter()
  const [form, setForm] = useState({
    name: event?.name ?? '',
    performer: event?.performer ?? '',
    venue: event?.venue ?? '',
    city: event?.city ?? '',
    country: event?.country ?? '',
    timezone: event?.timezone ?? 'Europe/London',
    starts: event ? localOf(event.startsAt, event.timezone) : '',
    category: event?.category ?? 'concert',
    imageUrl: event?.imageUrl ?? '',
    capKind: event?.priceCap.kind ?? 'none',
    capPercent: String(event?.priceCap.percent ?? 10),
    status: event?.status === 'postponed' ? 'postponed' : 'scheduled',
  })
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [pending, setPending] = useState(false)
  const [saved, setSaved] = useState('')
  const set = (name: keyof typeof form) => (change: { target: { value: string } }) =>
    setForm({ ...form, [name]: change.target.value })

  async function submit(submitted: FormEvent<HTMLFormElement>) {
    submitted.preventDefault()
    const startsAt = instantOf(form.starts, form.timezone)
    if (!startsAt) {
      setErrors({ fields: { startsAt: 'Enter the date and time it starts, in its own time zone' }, form: [] })
      return
    }
    const body = {
      name: form.name,
      venue: form.venue,
      city: form.city,
      timezone: form.timezone,
      startsAt,
      category: form.category,
      ...(form.performer.trim() && { performer: form.performer }),
      ...(form.country.trim() && { country: form.country }),
      ...(form.imageUrl.trim() && { imageUrl: form.imageUrl }),
      priceCap:
        form.capKind === 'face_plus'
          ? { kind: 'face_plus', percent: Number(form.capPercent) }
          : { kind: form.capKind },
      ...(event && { status: form.status }),
    }
    setPending(true)
    setErrors(NO_ERRORS)
    const result = event
      ? await apiFetch<CatalogueEvent>(`/api/events/${event.id}`, { method: 'PUT', body })
      : await apiFetch<CatalogueEvent>('/api/events', { method: 'POST', body })
    setPending(false)
    if (!result.ok) {
      setErrors(splitErrors(result.errors, FIELDS))
      return
    }
    if (event) {
      setSaved('Changes saved.')
      router.refresh()
    } else router.push(`/admin/events/${result.data.id}`)
  }

  async function cancel() {
    if (
      !event ||
      !window.confirm(`Cancel ${event.name}? Its listings are withdrawn and every buyer is refunded.`)
    )
      return
    setPending(true)
    const result = await apiFetch<CatalogueEvent>(`/api/events/${event.id}/cancel`, {
      method: 'POST',
      body: {},
    })
    setPending(false)
    if (!result.ok) setErrors({ fields: {}, form: result.errors.map((e) => e.message) })
    else {
      setSaved('The event is cancelled.')
      router.refresh()
    }
  }

  const cancelled = event?.status === 'cancelled'
  return (
    <form
      className="card form"
      onSubmit={(submitted) => void submit(submitted)}
      noValidate
      aria-busy={pending}
    >
      <FormAlert messages={errors.form} />
      <fieldset disabled={cancelled} className="plain-fieldset">
        <Field
          name="name"
          label="Name"
          required
          maxLength={200}
          value={form.name}
          onChange={set('name')}
          error={errors.fields['name']}
        />
        <Field
          name="performer"
          label="Performer (optional)"
          maxLength={200}
          value={form.performer}
          onChange={set('performer')}
          error={errors.fields['performer']}
        />
        <Field
          name="venue"
          label="Venue"
          required
          maxLength={200}
          value={form.venue}
          onChange={set('venue')}
          error={errors.fields['venue']}
        />
        <div className="field-row two">
          <Field
            name="city"
            label="City"
            required
            maxLength={100}
            value={form.city}
            onChange={set('city')}
            error={errors.fields['city']}
          />
          <Field
            name="country"
            label="Country code (optional)"
            maxLength={2}
            placeholder="GB"
            value={form.country}
            onChange={set('country')}
            error={errors.fields['country']}
          />
        </div>
        <div className="field-row two">
          <Field
            name="startsAt"
            label="Starts (its local time)"
            type="datetime-local"
            required
            value={form.starts}
            onChange={set('starts')}
            error={errors.fields['startsAt']}
          />
          <Field
            name="timezone"
            label="Time zone"
            required
            list="time-zones"
            value={form.timezone}
            onChange={set('timezone')}
            error={errors.fields['timezone']}
          />
          <datalist id="time-zones">
            {ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="field-category">Category</label>
          <select id="field-category" value={form.category} onChange={set('category')}>
            {Object.entries(CATEGORY_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <Field
          name="imageUrl"
          label="Image URL (optional)"
          type="url"
          maxLength={2000}
          value={form.imageUrl}
          onChange={set('imageUrl')}
          error={errors.fields['imageUrl']}
        />
        <div className="field-row two">
          <div className="field">
            <label htmlFor="field-cap">Resale price cap</label>
            <select id="field-cap" value={form.capKind} onChange={set('capKind')}>
              <option value="none">No cap</option>
              <option value="face">Face value</option>
              <option value="face_plus">Face value + a percent</option>
            </select>
          </div>
          {form.capKind === 'face_plus' && (
            <Field
              name="capPercent"
              label="Percent above face value"
              type="number"
              min={1}
              max={1000}
              value={form.capPercent}
              onChange={set('capPercent')}
              error={errors.fields['priceCap.percent']}
            />
          )}
        </div>
        {event && (
          <div className="field">
            <label htmlFor="field-status">Status</label>
            <select id="field-status" value={form.status} onChange={set('status')}>
              <option value="scheduled">Scheduled</option>
              <option value="postponed">Postponed</option>
            </select>
          </div>
        )}
      </fieldset>
      <div className="form-actions">
        {!cancelled && (
          <button type="submit" className="button button-primary" disabled={pending}>
            {pending ? 'Saving…' : event ? 'Save changes' : 'Add event'}
          </button>
        )}
        {event && !cancelled && (
          <button
            type="button"
            className="button button-danger-ghost"
            disabled={pending}
            onClick={() => void cancel()}
          >
            Cancel event
          </button>
        )}
      </div>
      <p role="status" className="status-text">
        {saved}
      </p>
    </form>
  )
}
