/**
 * Procedural handwritten-like digits: a digit's stroke template (random style and proportions),
 * a smooth random warp, per-stroke pen jitter, a random affine transform (rotation, scale, aspect,
 * shear, translation), a random pen width, anti-aliased rasterisation into 28x28, then optional
 * blur, background level and noise. Every draw comes from one seeded PRNG, so a seed fixes the
 * bytes, and the space of images is continuous: nothing can be memorised.
 * Pure: no DOM, no Node APIs.
 */
import { dcos, dsin, PI } from '../detmath.ts';
import { Rng, type Seed } from '../rng.ts';
import { GLYPHS, type Stroke } from './glyphs.ts';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const NUM_CLASSES = 10;

/** Ranges of the random transform; the defaults are what the digits subnet uses. */
export interface DigitStyleRanges {
  /** Max rotation either way (degrees). */
  rotationDeg: number;
  /** Glyph height in pixels. */
  heightPx: [number, number];
  /** Width multiplier (aspect). */
  aspect: [number, number];
  /** Max |shear| (x shift per unit of y). */
  shear: number;
  /** Max translation of the glyph centre either way (pixels). */
  translatePx: number;
  /** Half of the pen width (pixels). */
  penHalfWidthPx: [number, number];
  /** Max displacement of the glyph box corners by the smooth warp (glyph units). */
  warp: number;
  /** Max shift of each stroke on its own (glyph units). */
  strokeJitter: number;
  /** Ink intensity of the strokes. */
  ink: [number, number];
  /** Probability of a 3x3 blur. */
  blurProbability: number;
  /** Max background level. */
  background: number;
  /** Max standard deviation of the pixel noise. */
  noise: number;
}

export const DEFAULT_STYLE: Readonly<DigitStyleRanges> = {
  rotationDeg: 18,
  heightPx: [13, 22],
  aspect: [0.75, 1.3],
  shear: 0.35,
  translatePx: 3.5,
  penHalfWidthPx: [0.5, 1.8],
  warp: 0.09,
  strokeJitter: 0.03,
  ink: [0.6, 1.0],
  blurProbability: 0.5,
  background: 0.12,
  noise: 0.12,
};

export interface DigitsBatch {
  /** NCHW [batch, 1, 28, 28], row-major, values in [0, 1] (0 = background, 1 = ink). */
  inputs: Float32Array;
  /** The true digit of each image (validator-only). */
  labels: Uint8Array;
}

/**
 * `batch` fresh digits from `seed`. The same seed gives the same bytes everywhere; a batch is a
 * prefix of any larger batch from the same seed. Labels are independent and uniform over 0..9.
 */
export function generateDigits(seed: Seed, batch: number, style: Readonly<DigitStyleRanges> = DEFAULT_STYLE): DigitsBatch {
  if (!Number.isInteger(batch) || batch < 0) throw new RangeError(`batch must be a non-negative integer, got ${batch}`);
  const rng = new Rng(seed, 'webtensor/digits/v1');
  const inputs = new Float32Array(batch * PIXELS);
  const labels = new Uint8Array(batch);
  const scratch = new Float64Array(PIXELS);
  for (let i = 0; i < batch; i++) {
    const label = rng.int(NUM_CLASSES);
    labels[i] = label;
    drawDigit(rng, label, style, scratch);
    inputs.set(scratch, i * PIXELS);
  }
  return { inputs, labels };
}

/** Renders one image of `digit` into `out` (28*28 values in [0, 1]). */
export function drawDigit(rng: Rng, digit: number, style: Readonly<DigitStyleRanges>, out: Float64Array): void {
  const styles = GLYPHS[digit];
  const template = styles[rng.int(styles.length)];
  const strokes = template((value, spread) => value + spread * (2 * rng.float() - 1));

  // Smooth warp: bilinear displacement field from random offsets at the glyph box corners.
  const w = style.warp;
  const c = [0, 0, 0, 0, 0, 0, 0, 0].map(() => rng.uniform(-w, w));
  // Affine: glyph space (centred on (0.3, 0.5), unit height) to pixels around the image centre.
  const theta = (rng.uniform(-style.rotationDeg, style.rotationDeg) * PI) / 180;
  const height = rng.uniform(style.heightPx[0], style.heightPx[1]);
  const affine: Affine = {
    cos: dcos(theta),
    sin: dsin(theta),
    sx: height * rng.uniform(style.aspect[0], style.aspect[1]),
    sy: height,
    shear: rng.uniform(-style.shear, style.shear),
    cx: IMAGE_SIZE / 2,
    cy: IMAGE_SIZE / 2,
  };
  const halfWidth = rng.uniform(style.penHalfWidthPx[0], style.penHalfWidthPx[1]);
  const ink = rng.uniform(style.ink[0], style.ink[1]);

  const paths: { px: Float64Array; py: Float64Array }[] = [];
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const stroke of strokes) {
    const jx = rng.uniform(-style.strokeJitter, style.strokeJitter);
    const jy = rng.uniform(-style.strokeJitter, style.strokeJitter);
    const px = new Float64Array(stroke.length / 2);
    const py = new Float64Array(stroke.length / 2);
    transformStroke(stroke, jx, jy, c, affine, px, py);
    for (let k = 0; k < px.length; k++) {
      if (px[k] < minX) minX = px[k];
      if (px[k] > maxX) maxX = px[k];
      if (py[k] < minY) minY = py[k];
      if (py[k] > maxY) maxY = py[k];
    }
    paths.push({ px, py });
  }
  // Translation: uniform within ±translatePx, narrowed so the ink stays inside the frame.
  const margin = halfWidth + 0.5;
  const tx = shiftWithin(rng, style.translatePx, margin - minX, IMAGE_SIZE - margin - maxX);
  const ty = shiftWithin(rng, style.translatePx, margin - minY, IMAGE_SIZE - margin - maxY);

  out.fill(0);
  for (const { px, py } of paths) {
    for (let k = 0; k < px.length; k++) {
      px[k] += tx;
      py[k] += ty;
    }
    for (let k = 0; k + 1 < px.length; k++) drawSegment(out, px[k], py[k], px[k + 1], py[k + 1], halfWidth);
    if (px.length === 1) drawSegment(out, px[0], py[0], px[0], py[0], halfWidth);
  }
  for (let p = 0; p < PIXELS; p++) out[p] *= ink;

  if (rng.chance(style.blurProbability)) blur3(out, rng.uniform(0.06, 0.22));
  const background = rng.uniform(0, style.background);
  const sigma = rng.uniform(0, style.noise);
  for (let p = 0; p < PIXELS; p++) {
    const v = out[p] + background * (1 - out[p]) + sigma * rng.normal();
    out[p] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/** A shift uniform in [-limit, limit] ∩ [lo, hi]; the midpoint of [lo, hi] when that is empty. */
function shiftWithin(rng: Rng, limit: number, lo: number, hi: number): number {
  const a = Math.max(-limit, lo), b = Math.min(limit, hi);
  const u = rng.float();
  return a <= b ? a + (b - a) * u : (lo + hi) / 2;
}

interface Affine {
  cos: number;
  sin: number;
  sx: number;
  sy: number;
  shear: number;
  cx: number;
  cy: number;
}

function transformStroke(stroke: Stroke, jx: number, jy: number, c: number[], a: Affine, px: Float64Array, py: Float64Array): void {
  for (let k = 0; k < px.length; k++) {
    let x = stroke[2 * k] + jx;
    let y = stroke[2 * k + 1] + jy;
    const u = x / 0.6, v = y; // bilinear weights over the glyph box
    x += (1 - u) * (1 - v) * c[0] + u * (1 - v) * c[1] + (1 - u) * v * c[2] + u * v * c[3];
    y += (1 - u) * (1 - v) * c[4] + u * (1 - v) * c[5] + (1 - u) * v * c[6] + u * v * c[7];
    // Centre, shear (italic: the top leans with the sign of shear), scale, rotate, translate.
    const gy = y - 0.5;
    const gx = x - 0.3 - a.shear * gy;
    const X = gx * a.sx, Y = gy * a.sy;
    px[k] = a.cx + a.cos * X - a.sin * Y;
    py[k] = a.cy + a.sin * X + a.cos * Y;
  }
}

/**
 * Anti-aliased segment with round caps: a pixel's coverage is its centre's distance to the
 * segment turned into a one-pixel linear ramp at the pen's edge; overlapping strokes take the max.
 */
function drawSegment(out: Float64Array, x0: number, y0: number, x1: number, y1: number, hw: number): void {
  const reach = hw + 0.5;
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - reach));
  const maxX = Math.min(IMAGE_SIZE - 1, Math.ceil(Math.max(x0, x1) + reach));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - reach));
  const maxY = Math.min(IMAGE_SIZE - 1, Math.ceil(Math.max(y0, y1) + reach));
  const dx = x1 - x0, dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  for (let row = minY; row <= maxY; row++) {
    const cyp = row + 0.5;
    for (let col = minX; col <= maxX; col++) {
      const cxp = col + 0.5;
      let t = len2 > 0 ? ((cxp - x0) * dx + (cyp - y0) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = cxp - x0 - t * dx, ey = cyp - y0 - t * dy;
      const cover = reach - Math.sqrt(ex * ex + ey * ey);
      if (cover <= 0) continue;
      const v = cover > 1 ? 1 : cover;
      const idx = row * IMAGE_SIZE + col;
      if (v > out[idx]) out[idx] = v;
    }
  }
}

/** Separable 3x3 blur with weights [b, 1-2b, b], edges clamped. */
function blur3(img: Float64Array, b: number): void {
  const tmp = new Float64Array(PIXELS);
  const m = 1 - 2 * b;
  const n = IMAGE_SIZE;
  for (let r = 0; r < n; r++) {
    for (let col = 0; col < n; col++) {
      const i = r * n + col;
      tmp[i] = m * img[i] + b * img[col > 0 ? i - 1 : i] + b * img[col < n - 1 ? i + 1 : i];
    }
  }
  for (let r = 0; r < n; r++) {
    for (let col = 0; col < n; col++) {
      const i = r * n + col;
      img[i] = m * tmp[i] + b * tmp[r > 0 ? i - n : i] + b * tmp[r < n - 1 ? i + n : i];
    }
  }
}
