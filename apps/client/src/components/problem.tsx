import Link from 'next/link'
import type { ReactNode } from 'react'

/** A page-level message: an error the API gave, an empty list, a page for someone else. */
export function Problem({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <h1>{title}</h1>
      {children}
      <p>
        <Link href="/">Back to all tickets</Link>
      </p>
    </div>
  )
}
