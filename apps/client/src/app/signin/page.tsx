import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { AuthForm } from '../../components/auth-form'
import { SessionKeeper } from '../../components/session-keeper'
import { getCurrentUser } from '../../lib/api-server'
import { safeNextPath } from '../../lib/session'

export const metadata: Metadata = { title: 'Sign in' }

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next)
  if (await getCurrentUser()) redirect(next)
  return (
    <div className="narrow">
      <SessionKeeper signedIn={false} next={next} />
      <h1>Sign in</h1>
      <p className="lead">Welcome back. Sign in to buy and sell tickets.</p>
      <AuthForm mode="signin" next={next} />
    </div>
  )
}
