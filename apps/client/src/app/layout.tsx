import type { Metadata, Viewport } from 'next'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { SessionKeeper } from '../components/session-keeper'
import { SignOutButton } from '../components/sign-out-button'
import { getCurrentUser } from '../lib/api-server'
import { holdInWords } from '../lib/config'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Ticketing — resale tickets', template: '%s · Ticketing' },
  description: 'Buy and sell tickets to the events you love, held for you while you pay.',
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#3730a3' }

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser()
  return (
    <html lang="en">
      <body>
        <SessionKeeper signedIn={user !== null} />
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container header-inner">
            <Link href="/" className="brand">
              <svg
                className="brand-mark"
                viewBox="0 0 24 24"
                width="26"
                height="26"
                aria-hidden="true"
                focusable="false"
              >
                <path
                  fill="currentColor"
                  d="M3 7a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v2.5a2.5 2.5 0 0 0 0 5V17a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-2.5a2.5 2.5 0 0 0 0-5V7Zm11 0v2h2V7h-2Zm0 4v2h2v-2h-2Zm0 4v2h2v-2h-2Z"
                />
              </svg>
              Ticketing
            </Link>
            <nav aria-label="Main" className="main-nav">
              <ul>
                <li>
                  <Link href="/">Browse</Link>
                </li>
                <li>
                  <Link href="/sell">Sell a ticket</Link>
                </li>
                {user && (
                  <>
                    <li>
                      <Link href="/my-tickets">My tickets</Link>
                    </li>
                    <li>
                      <Link href="/orders">My orders</Link>
                    </li>
                    <li>
                      <Link href="/listings">My listings</Link>
                    </li>
                  </>
                )}
                {user?.role === 'admin' && (
                  <>
                    <li>
                      <Link href="/admin/events">Events</Link>
                    </li>
                    <li>
                      <Link href="/admin/users">Users</Link>
                    </li>
                  </>
                )}
              </ul>
            </nav>
            <div className="account">
              {user ? (
                <>
                  <Link href="/account" className="account-email" title={user.email}>
                    <span className="visually-hidden">Signed in as </span>
                    {user.displayName}
                  </Link>
                  <SignOutButton />
                </>
              ) : (
                <>
                  <Link href="/signin" className="button button-ghost">
                    Sign in
                  </Link>
                  <Link href="/signup" className="button button-primary">
                    Sign up
                  </Link>
                </>
              )}
            </div>
          </div>
        </header>
        <main id="main" className="container main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            <p>
              Ticketing — a resale marketplace. Tickets are held for you for {holdInWords()} while you pay.
            </p>
          </div>
        </footer>
      </body>
    </html>
  )
}
