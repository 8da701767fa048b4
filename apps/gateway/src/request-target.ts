/**
 * What the gateway refuses to route. Services and the client each parse a path in their own way (Fastify,
 * Next.js, and whatever the ingress does in production); a path they could read differently from us, or
 * that names nothing any of them serves, is refused here, once, in the common shape.
 */

/** Longer than any URL of ours (ids are 36 characters, queries a few hundred). */
export const MAX_URL_LENGTH = 8 * 1024

/** `%2F` and `%5C`: a separator hidden from us that a server behind might decode and follow. */
const ENCODED_SEPARATOR = /%(2f|5c)/i
/** C0 controls and DEL, decoded (`%00`, `%0A`): never part of a name, sometimes the end of a string. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/

/**
 * Why the request target cannot be routed, or undefined when it can. It must be a path (not a full URL,
 * `//host` or `*`), no longer than MAX_URL_LENGTH, properly percent-encoded UTF-8, with no encoded separator,
 * no backslash, no dot segment (`..`, `%2e%2e`) and no control character.
 */
export function requestTargetProblem(target: string): string | undefined {
  if (target.length > MAX_URL_LENGTH) return `The request URL is longer than ${MAX_URL_LENGTH} characters`
  if (!target.startsWith('/') || target.startsWith('//')) return 'The request URL must be a path'
  const queryStart = target.indexOf('?')
  const path = queryStart === -1 ? target : target.slice(0, queryStart)
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return 'The request path is not properly percent-encoded'
  }
  if (ENCODED_SEPARATOR.test(path) || path.includes('\\')) {
    return 'The request path must not contain encoded separators or backslashes'
  }
  if (decoded.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'The request path must not contain dot segments'
  }
  if (CONTROL_CHARACTER.test(decoded)) return 'The request path must not contain control characters'
  return undefined
}
