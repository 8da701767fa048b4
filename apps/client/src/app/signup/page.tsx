import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { AuthForm } from '../../components/auth-form'
import { SessionKeeper } from '../../components/session-keeper'
import { getCurrentUser } from '../../lib/api-server'
import { safeNextPath } from '../../lib/session'

export const metadata: Metadata = { title: 'Sign up' }

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next)
  if (await getCurrentUser()) redirect(next)
  return (
    <div className="narrow">
      <SessionKeeper signedIn={false} next={next} />
      <h1>Create your account</h1>
      <p className="lead">One account to buy and to sell.</p>
      <AuthForm mode="signup" next={next} />
    </div>
  )
}
