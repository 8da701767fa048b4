import qrcode from 'qrcode-generator'

/**
 * A QR code of `text`, drawn on the server as an SVG: the entry credential a holder shows at the door. The
 * SVG comes from the library and our own signed token, never from another member's input.
 */
export function QrCode({ text, label }: { text: string; label: string }) {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const svg = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true })
  return <div className="qr-code" role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />
}
