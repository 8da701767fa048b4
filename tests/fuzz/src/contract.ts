/** What a probe saw: enough to judge an answer against DESIGN §3. */
export interface Answer {
  statusCode: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
}

/**
 * How an answer breaks the HTTP contract (DESIGN §3), or nothing: never a 5xx for any input, and every error
 * `{ "errors": [ { "message", "field"? } ] }` and nothing else, as JSON.
 */
export function contractBreaches(answer: Answer): string[] {
  const breaches: string[] = []
  if (answer.statusCode >= 500) breaches.push(`answered ${answer.statusCode}`)
  if (answer.statusCode < 400) return breaches
  const contentType = String(answer.headers['content-type'] ?? '')
  if (!contentType.startsWith('application/json')) breaches.push(`error with content-type "${contentType}"`)
  let body: unknown
  try {
    body = JSON.parse(answer.body)
  } catch {
    return [...breaches, `error body is not JSON: ${answer.body.slice(0, 200)}`]
  }
  if (!isCommonShape(body)) breaches.push(`error body not in the common shape: ${answer.body.slice(0, 200)}`)
  return breaches
}

function isCommonShape(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Object.keys(body).join() !== 'errors') return false
  const { errors } = body as { errors: unknown }
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as { message?: unknown }).message === 'string' &&
        Object.keys(item).every((key) => key === 'message' || key === 'field') &&
        ['string', 'undefined'].includes(typeof (item as { field?: unknown }).field),
    )
  )
}
