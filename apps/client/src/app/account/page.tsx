import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { ProfileForm } from '../../components/profile-form'
import { getCurrentUser } from '../../lib/api-server'

export const metadata: Metadata = { title: 'Your account' }

export default async function AccountPage() {
  const user = await getCurrentUser()
  if (!user) redirect('/signin?next=/account')
  return (
    <div className="narrow">
      <h1>Your account</h1>
      <p className="lead">Signed in as {user.email}. Only you see your email.</p>
      <ProfileForm user={user} />
    </div>
  )
}
