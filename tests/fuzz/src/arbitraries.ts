import fc from 'fast-check'

/**
 * Generators of hostile input, for the in-process probe today and for the fuzzer driven by the OpenAPI
 * documents later: each yields the raw text that goes on the wire (a JSON token, a query value, a path
 * segment), so that what JSON.stringify or encodeURIComponent would refuse or tidy (`1e999`, a lone
 * surrogate, a broken percent-encoding) is sent as a hostile client sends it.
 */

/** Strings that have broken a database, a parser or a renderer somewhere. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  // What PostgreSQL cannot store: a NUL, a surrogate without its pair.
  { weight: 3, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00', 'ab\ud83c') },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\ud83c\udfab',
      '\u202e\ufeff\u200b',
      '%00',
      '%',
      '%E0%A4%A',
      '../../etc/passwd',
      '..\\..\\',
      "'; DROP TABLE tickets; --",
      '${7*7}{{7*7}}',
      '<script>alert(1)</script>',
      '__proto__',
      'constructor',
      'null',
      'NaN',
      'Infinity',
      '1e999',
      '0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11',
      'tok_visa',
      'a@b.c',
    ),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 200, maxLength: 400 }) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(20_000)) },
)

/** JSON number tokens a client can write: infinite once parsed, too small, too large, not quite integers. */
export const hostileNumberToken: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '1e999',
    '-1e999',
    '1e-9',
    '5e-324',
    '-0',
    '0',
    '-1',
    '0.1',
    '19.999',
    '1e21',
    '1e300',
    '-1e300',
    '9007199254740993',
    '1000000.01',
    '123456789012345678901234567890',
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc.integer().map(String),
)

/** Any JSON value as raw text: hostile strings and numbers, the other types, and a little nesting. */
export const hostileJsonToken: fc.Arbitrary<string> = fc.letrec<{ token: string }>((tie) => ({
  token: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: hostileText.map((text) => JSON.stringify(text)) },
    { weight: 3, arbitrary: hostileNumberToken },
    { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '""') },
    fc.array(tie('token'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    fc
      .dictionary(fc.constantFrom('a', 'id', 'price', '__proto__', 'constructor'), tie('token'), {
        maxKeys: 2,
      })
      .map(
        (entries) =>
          `{${Object.entries(entries)
            .map(([key, value]) => `${JSON.stringify(key)}:${value}`)
            .join(',')}}`,
      ),
  ),
})).token

/**
 * A request body for an operation whose body has the given properties: usually an object in which one
 * property is hostile and the others plausible (so that the hostile one is what the route has to deal with),
 * with an undeclared one now and then; sometimes an object hostile throughout, something that is not an
 * object, or not JSON at all.
 */
export function hostileBody(properties: readonly string[], plausible: Record<string, string> = {}) {
  const render = (members: [string, string][]) =>
    `{${members.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(',')}}`
  const plausibleOf = (name: string) => plausible[name] ?? '"ok"'
  const oneHostile = fc
    .record({
      target: fc.nat({ max: Math.max(0, properties.length - 1) }),
      token: hostileJsonToken,
      extra: fc.option(hostileJsonToken, { nil: undefined, freq: 4 }),
    })
    .map(({ target, token, extra }) => {
      const members = properties.map((name, index): [string, string] => [
        name,
        index === target ? token : plausibleOf(name),
      ])
      if (extra !== undefined) members.push(['role', extra])
      return render(members)
    })
  const allHostile = fc
    .tuple(...properties.map(() => fc.option(hostileJsonToken, { nil: undefined, freq: 3 })))
    .map((values) =>
      render(
        properties
          .map((name, index): [string, string | undefined] => [name, values[index]])
          .filter((member): member is [string, string] => member[1] !== undefined),
      ),
    )
  return fc.oneof(
    { weight: 6, arbitrary: oneHostile },
    { weight: 2, arbitrary: allHostile },
    { weight: 1, arbitrary: hostileJsonToken },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '{', '{"a":1,}', 'not json', '{"__proto__":{"role":"admin"}}'),
    },
  )
}

/** A Content-Type header for a body, mostly JSON's. */
export const hostileContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      '*/*',
      '@@@',
    ),
  },
)

/** A query-string value as it is written in the URL: encoded hostile text, or raw broken encodings. */
export const hostileQueryValue: fc.Arbitrary<string> = fc.oneof(
  hostileText.filter(isWellFormed).map((text) => encodeURIComponent(text)),
  hostileNumberToken.map((token) => encodeURIComponent(token)),
  fc.constantFrom(
    '',
    '%',
    '%00',
    '%E0%A4%A',
    '%ED%A0%80',
    '%FF',
    'Infinity',
    '-Infinity',
    'NaN',
    '1e999',
    'true',
  ),
)

/**
 * A query string for an operation with the given parameters: one hostile parameter, now and then another
 * beside it or one given twice (`?q=a&q=b`).
 */
export function hostileQuery(parameters: readonly string[]) {
  if (parameters.length === 0) return fc.constantFrom('', '?x=%00', '?x=%', '?%=1')
  const name = fc.constantFrom(...parameters)
  return fc
    .record({
      target: name,
      value: hostileQueryValue,
      other: fc.option(fc.tuple(name, hostileQueryValue), { nil: undefined, freq: 4 }),
      repeated: fc.option(name, { nil: undefined, freq: 6 }),
    })
    .map(({ target, value, other, repeated }) => {
      const pairs = [`${target}=${value}`]
      if (other) pairs.push(`${other[0]}=${other[1]}`)
      if (repeated !== undefined) pairs.push(`${repeated}=1`, `${repeated}=2`)
      return `?${pairs.join('&')}`
    })
}

/** A path segment where an id goes. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  fc.uuid().map(String),
  fc.constantFrom(
    'not-a-uuid',
    'a'.repeat(300),
    '%00',
    '%2F',
    '%E0%A4%A',
    '%ED%A0%80',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  ),
)

function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)
}
