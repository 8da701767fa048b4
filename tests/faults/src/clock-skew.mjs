// A host clock that is off: loaded with `NODE_OPTIONS=--import <this file>` into one process of the stack, it
// moves Date by CLOCK_SKEW_MS (positive: ahead). Timers and the monotonic clock are untouched, as on a host
// whose wall clock is wrong. A fault of the test suite: no service code reads this variable.
const skew = Number(process.env.CLOCK_SKEW_MS ?? 0)
const RealDate = Date
const realNow = RealDate.now.bind(RealDate)

class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + skew)
    else super(...args)
  }

  static now() {
    return realNow() + skew
  }
}

globalThis.Date = SkewedDate
