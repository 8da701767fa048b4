import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { BanControls } from '../../../components/ban-controls'
import { Pager } from '../../../components/pager'
import { Problem } from '../../../components/problem'
import { apiGet, getCurrentUser } from '../../../lib/api-server'
import { formatDate } from '../../../lib/format'
import type { UserSummary } from '../../../lib/types'

export const metadata: Metadata = { title: 'Users' }

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const user = await getCurrentUser()
  if (!user) redirect('/signin?next=/admin/users')
  if (user.role !== 'admin') {
    return (
      <Problem title="Administrators only">
        <p>This page lists every user, and only administrators can see it.</p>
      </Problem>
    )
  }
  const { cursor } = await searchParams
  const query = new URLSearchParams({ limit: '50' })
  if (cursor) query.set('cursor', cursor)
  const result = await apiGet<UserSummary[]>(`/api/users?${query.toString()}`)

  return (
    <>
      <h1>Users</h1>
      <p className="lead">Banning signs a user out everywhere within seconds and stops them signing in.</p>
      {!result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>Users could not be loaded: {result.errors.map((e) => e.message).join(' ')}</p>
        </div>
      ) : result.data.length === 0 ? (
        <div className="empty-state">
          <h2>No users yet</h2>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="users-table">
            <caption className="visually-hidden">Users, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.data.map((row) => (
                <tr key={row.id}>
                  <th scope="row" className="user-email" data-label="Email">
                    {row.email}
                  </th>
                  <td data-label="Role">
                    {row.role === 'admin' ? <span className="badge badge-info">Admin</span> : 'User'}
                  </td>
                  <td data-label="Joined">{formatDate(row.createdAt)}</td>
                  <td data-label="Status">
                    {row.bannedAt ? (
                      <span className="badge badge-danger" title={row.banReason ?? undefined}>
                        Banned{row.banReason ? `: ${row.banReason}` : ''}
                      </span>
                    ) : (
                      <span className="badge badge-success">Active</span>
                    )}
                  </td>
                  <td data-label="Actions">
                    {row.id === user.id ? (
                      <span className="muted">You</span>
                    ) : (
                      <BanControls userId={row.id} email={row.email} banned={row.bannedAt !== null} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.ok && (
        <Pager basePath="/admin/users" nextCursor={result.nextCursor} isFirst={!cursor} label="User pages" />
      )}
    </>
  )
}
