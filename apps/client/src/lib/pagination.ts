/** The cursor in `Link: <…?cursor=…&limit=…>; rel="next"`, the API's way of saying there is another page. */
export function nextCursorOf(link: string | null): string | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part)
    if (!match?.[1]) continue
    const cursor = new URL(match[1], 'http://placeholder').searchParams.get('cursor')
    if (cursor) return cursor
  }
  return undefined
}
