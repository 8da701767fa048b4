import Link from 'next/link'

/** Keyset pages go forward only: "Next page" follows the API's cursor, "First page" starts over. */
export function Pager({
  basePath,
  params = {},
  nextCursor,
  isFirst,
  label,
}: {
  basePath: string
  params?: Record<string, string | undefined>
  nextCursor?: string | undefined
  isFirst: boolean
  label: string
}) {
  if (!nextCursor && isFirst) return null
  const href = (cursor?: string) => {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(params)) if (value) query.set(key, value)
    if (cursor) query.set('cursor', cursor)
    const text = query.toString()
    return text ? `${basePath}?${text}` : basePath
  }
  return (
    <nav className="pager" aria-label={label}>
      {!isFirst ? <Link href={href()}>← First page</Link> : <span />}
      {nextCursor && (
        <Link href={href(nextCursor)} rel="next">
          Next page →
        </Link>
      )}
    </nav>
  )
}
