import type { Metadata } from 'next'
import Link from 'next/link'
import { SignOutButton } from '../../components/sign-out-button'
import { getCurrentUser } from '../../lib/api-server'

export const metadata: Metadata = { title: 'Sign out' }

export default async function SignOutPage() {
  const user = await getCurrentUser()
  return (
    <div className="narrow">
      <h1>Sign out</h1>
      {user ? (
        <div className="card stack">
          <p>
            You are signed in as <strong>{user.email}</strong>.
          </p>
          <div>
            <SignOutButton className="button button-primary" />
          </div>
        </div>
      ) : (
        <p>
          You are signed out. <Link href="/signin">Sign in</Link> again?
        </p>
      )}
    </div>
  )
}
