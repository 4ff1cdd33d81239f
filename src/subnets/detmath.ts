/**
 * Deterministic elementary functions built only from + - * / and Math.sqrt / Math.round
 * (which IEEE 754 fixes exactly), so generated challenges and trained model bytes are identical in
 * every JavaScript engine and version. `Math.sin`, `Math.exp` & co. are not specified to the last
 * bit and have changed between engines; these are accurate to a few ulp over the ranges used here.
 * Pure: no DOM, no Node APIs.
 */

const PIO2_HI = 1.5707963267341256; // first 33 bits of pi/2 (fdlibm's pio2_1)
const PIO2_LO = 6.077100506506192e-11; // pi/2 - PIO2_HI
const INV_PIO2 = 0.6366197723675814;
export const PI = 3.141592653589793;

function sinPoly(r: number): number {
  const r2 = r * r;
  // Taylor series to r^17: error < 1e-19 for |r| <= pi/4.
  return r * (1 + r2 * (-1 / 6 + r2 * (1 / 120 + r2 * (-1 / 5040 + r2 * (1 / 362880 + r2 * (-1 / 39916800 + r2 * (1 / 6227020800 + r2 * (-1 / 1307674368000 + r2 / 355687428096000))))))));
}

function cosPoly(r: number): number {
  const r2 = r * r;
  return 1 + r2 * (-1 / 2 + r2 * (1 / 24 + r2 * (-1 / 720 + r2 * (1 / 40320 + r2 * (-1 / 3628800 + r2 * (1 / 479001600 + r2 * (-1 / 87178291200 + r2 / 20922789888000)))))));
}

/** Reduces x to r in [-pi/4, pi/4] and quadrant q in 0..3 with x = r + q*pi/2 (mod 2pi). |x| < 1e6. */
function reduce(x: number): [number, number] {
  const k = Math.round(x * INV_PIO2);
  const r = x - k * PIO2_HI - k * PIO2_LO;
  return [r, ((k % 4) + 4) % 4];
}

export function dsin(x: number): number {
  const [r, q] = reduce(x);
  switch (q) {
    case 0: return sinPoly(r);
    case 1: return cosPoly(r);
    case 2: return -sinPoly(r);
    default: return -cosPoly(r);
  }
}

export function dcos(x: number): number {
  const [r, q] = reduce(x);
  switch (q) {
    case 0: return cosPoly(r);
    case 1: return -sinPoly(r);
    case 2: return -cosPoly(r);
    default: return sinPoly(r);
  }
}

const LN2_HI = 0.6931471803691238; // fdlibm's ln2HI
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = 1.4426950408889634;

/** 2^k for an integer k in [-1022, 1023], exactly (products of powers of two are exact). */
function pow2(k: number): number {
  let result = 1;
  let base = k < 0 ? 0.5 : 2;
  let n = k < 0 ? -k : k;
  while (n > 0) {
    if (n & 1) result *= base;
    base *= base;
    n >>= 1;
  }
  return result;
}

/** e^x; 0 below -700 (no subnormals), Infinity above 709. */
export function dexp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709) return Infinity;
  if (x < -700) return 0;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO; // |r| <= ~0.347
  // Taylor series to r^14: error < 1e-19.
  let p = 1 / 87178291200;
  p = 1 / 6227020800 + r * p;
  p = 1 / 479001600 + r * p;
  p = 1 / 39916800 + r * p;
  p = 1 / 3628800 + r * p;
  p = 1 / 362880 + r * p;
  p = 1 / 40320 + r * p;
  p = 1 / 5040 + r * p;
  p = 1 / 720 + r * p;
  p = 1 / 120 + r * p;
  p = 1 / 24 + r * p;
  p = 1 / 6 + r * p;
  p = 0.5 + r * p;
  p = 1 + r * p;
  p = 1 + r * p;
  return p * pow2(k);
}
