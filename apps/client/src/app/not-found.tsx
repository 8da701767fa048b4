import { Problem } from '../components/problem'

export default function NotFound() {
  return (
    <Problem title="Page not found">
      <p>That ticket, order or page does not exist, or is no longer here.</p>
    </Problem>
  )
}
