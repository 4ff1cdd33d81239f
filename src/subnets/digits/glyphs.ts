/**
 * Stroke templates of the ten digits, several writing styles each. A template is a function of a
 * jitter source, so every sample gets its own proportions (loop sizes, bar heights, curvature)
 * before the renderer's warp and affine transform. Glyph space: x in [0, 0.6], y in [0, 1],
 * y pointing down, the glyph centred on (0.3, 0.5). A stroke is a flat [x0, y0, x1, y1, ...]
 * polyline. Pure: no DOM, no Node APIs.
 */
import { dcos, dsin, PI } from '../detmath.ts';

export type Stroke = number[];

/** `j(v, d)`: v plus a uniform offset in [-d, d). */
export type Jitter = (value: number, spread: number) => number;

export type GlyphStyle = (j: Jitter) => Stroke[];

/** Polyline through points given as [x, y] pairs. */
function line(...points: [number, number][]): Stroke {
  return points.flat();
}

/** Elliptic arc around (cx, cy) from angle a0 to a1 (degrees; 0 = +x, 90 = +y i.e. down). */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): Stroke {
  const steps = Math.max(2, Math.ceil(Math.abs(a1 - a0) / 15));
  const out: Stroke = [];
  for (let i = 0; i <= steps; i++) {
    const a = ((a0 + ((a1 - a0) * i) / steps) * PI) / 180;
    out.push(cx + rx * dcos(a), cy + ry * dsin(a));
  }
  return out;
}

/** Cubic Bézier from p0 to p3 with control points p1, p2. */
function cubic(p0: [number, number], p1: [number, number], p2: [number, number], p3: [number, number], steps = 10): Stroke {
  const out: Stroke = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const u = 1 - t;
    const a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
    out.push(a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]);
  }
  return out;
}

/** Strokes joined end to start into one polyline (a pen that does not lift). */
function join(...parts: Stroke[]): Stroke {
  const out: Stroke = [];
  for (const part of parts) {
    const skip = out.length >= 2 && out[out.length - 2] === part[0] && out[out.length - 1] === part[1] ? 2 : 0;
    for (let i = skip; i < part.length; i++) out.push(part[i]);
  }
  return out;
}

function end(stroke: Stroke): [number, number] {
  return [stroke[stroke.length - 2], stroke[stroke.length - 1]];
}

const zero: GlyphStyle[] = [
  (j) => [arc(0.3, 0.5, j(0.27, 0.04), j(0.48, 0.02), j(-90, 25), j(275, 15))],
  (j) => {
    const rx = j(0.26, 0.05), ry = j(0.47, 0.03), cy = 0.5;
    return [arc(0.3, cy, rx, ry, -95, 95), arc(j(0.3, 0.03), cy, rx, ry, 85, 275)];
  },
];

const one: GlyphStyle[] = [
  (j) => [line([j(0.32, 0.06), 0], [j(0.28, 0.04), 1])],
  (j) => [line([j(0.12, 0.05), j(0.22, 0.07)], [0.32, 0], [j(0.3, 0.03), 1])],
  (j) => [line([j(0.12, 0.05), j(0.2, 0.07)], [0.32, 0], [0.3, 1]), line([j(0.1, 0.05), 1], [j(0.5, 0.05), 1])],
];

const two: GlyphStyle[] = [
  (j) => {
    const top = arc(0.3, j(0.28, 0.03), 0.27, j(0.26, 0.03), j(190, 15), j(385, 15));
    return [join(top, line(end(top), [j(0.02, 0.03), 0.98], [j(0.6, 0.04), j(0.98, 0.03)]))];
  },
  (j) => {
    const top = arc(0.3, 0.27, j(0.27, 0.03), 0.25, j(185, 15), 360);
    const neck = cubic(end(top), [0.57, j(0.5, 0.06)], [j(0.22, 0.08), j(0.75, 0.06)], [0.02, 1.0]);
    return [join(top, neck, line(end(neck), [j(0.6, 0.04), j(0.96, 0.04)]))];
  },
  (j) => {
    // With a small loop where the neck meets the base.
    const top = arc(0.3, 0.27, 0.27, 0.25, j(190, 15), j(380, 15));
    const y = j(0.93, 0.03);
    const neck = line(end(top), [0.06, y]);
    const loop = arc(0.12, y, j(0.07, 0.02), 0.06, 180, 450);
    return [join(top, neck, loop, line(end(loop), [0.6, j(0.99, 0.02)]))];
  },
];

const three: GlyphStyle[] = [
  (j) => {
    const mid = j(0.48, 0.05);
    const upper = arc(j(0.28, 0.03), mid / 2, j(0.25, 0.03), mid / 2, j(200, 20), 450);
    const lower = arc(0.28, (mid + 1) / 2, j(0.3, 0.03), (1 - mid) / 2, 270, j(520, 15));
    return [join(upper, lower)];
  },
  (j) => {
    const bar = line([j(0.03, 0.04), j(0.0, 0.03)], [j(0.56, 0.04), 0.0], [j(0.2, 0.05), j(0.4, 0.04)]);
    const lower = arc(0.28, 0.7, j(0.3, 0.03), 0.29, 250, j(520, 15));
    return [join(bar, lower)];
  },
];

const four: GlyphStyle[] = [
  (j) => {
    const x = j(0.45, 0.04), y = j(0.68, 0.05);
    return [line([x, 1.0], [x, 0.0], [j(0.0, 0.04), y], [j(0.6, 0.04), y])];
  },
  (j) => {
    const y = j(0.6, 0.06), x = j(0.45, 0.04);
    return [line([j(0.08, 0.05), 0.0], [j(0.02, 0.03), y], [j(0.6, 0.04), y]), line([x, j(0.15, 0.15)], [x, 1.0])];
  },
];

const five: GlyphStyle[] = [
  (j) => {
    const y = j(0.45, 0.04);
    const top = line([j(0.56, 0.04), j(0.0, 0.03)], [0.1, 0.0], [j(0.06, 0.03), y]);
    const bowl = arc(0.27, (y + 1) / 2 + 0.02, j(0.3, 0.03), (1 - y) / 2, 225, j(515, 15));
    return [join(top, bowl)];
  },
  (j) => {
    const y = j(0.45, 0.04);
    const bowl = arc(0.27, (y + 1) / 2 + 0.02, j(0.3, 0.03), (1 - y) / 2, 225, j(510, 15));
    return [join(line([0.1, 0.0], [j(0.06, 0.03), y]), bowl), line([0.1, j(0.0, 0.02)], [j(0.57, 0.04), j(0.0, 0.04)])];
  },
];

const six: GlyphStyle[] = [
  (j) => {
    const r = j(0.25, 0.04);
    const stem = cubic([j(0.5, 0.06), 0.0], [j(0.2, 0.06), 0.1], [0.0, j(0.4, 0.06)], [0.05, 1 - r]);
    return [join(stem, arc(0.3, 1 - r, j(0.26, 0.03), r, 180, j(540, 15)))];
  },
  (j) => {
    const r = j(0.25, 0.04);
    return [line([j(0.45, 0.06), 0.0], [0.05, 1 - r]), arc(0.3, 1 - r, j(0.26, 0.03), r, 0, 360)];
  },
];

const seven: GlyphStyle[] = [
  (j) => [line([0.0, j(0.0, 0.03)], [0.6, 0.0], [j(0.2, 0.08), 1.0])],
  (j) => {
    const y = j(0.5, 0.06);
    return [line([0.0, 0.0], [0.6, j(0.0, 0.03)], [j(0.22, 0.06), 1.0]), line([j(0.15, 0.04), y], [j(0.52, 0.04), y])];
  },
  (j) => [join(line([0.0, j(0.12, 0.04)], [0.0, 0.0], [0.6, 0.0]), cubic([0.6, 0.0], [j(0.4, 0.05), 0.35], [0.3, 0.6], [j(0.28, 0.06), 1.0]))],
];

const eight: GlyphStyle[] = [
  (j) => {
    const mid = j(0.47, 0.04);
    return [arc(0.3, mid / 2, j(0.22, 0.04), mid / 2, 0, 360), arc(0.3, (mid + 1) / 2, j(0.28, 0.03), (1 - mid) / 2, 0, 360)];
  },
  (j) => {
    // One pen stroke: the upper loop drawn from the crossing, then an S down into the lower loop.
    const mid = j(0.46, 0.04);
    const upper = arc(0.3, mid / 2, j(0.21, 0.03), mid / 2, 90, 450);
    const lower = arc(0.3, (mid + 1) / 2, j(0.28, 0.03), (1 - mid) / 2, -90, 270);
    return [join(upper, lower)];
  },
];

const nine: GlyphStyle[] = [
  (j) => {
    const r = j(0.26, 0.04), rx = j(0.26, 0.03);
    return [arc(0.3, r, rx, r, 0, 360), line([0.3 + rx, r], [j(0.52, 0.06), 1.0])];
  },
  (j) => {
    const r = j(0.26, 0.04), rx = j(0.26, 0.03);
    const loop = arc(0.3, r, rx, r, 0, j(360, 15));
    return [join(loop, cubic([0.3 + rx, r], [0.58, j(0.7, 0.05)], [0.45, 1.0], [j(0.12, 0.05), 0.95]))];
  },
];

/** Styles per digit, index = digit. */
export const GLYPHS: readonly (readonly GlyphStyle[])[] = [zero, one, two, three, four, five, six, seven, eight, nine];
