/**
 * Writes a PNG contact sheet of generated digits (one row per digit) for eyeballing the
 * generator: npx tsx scripts/digits-preview.ts [out.png] [seed] [perRow]
 */
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { generateDigits, IMAGE_SIZE, PIXELS } from '../src/subnets/digits/generator.ts';

const out = process.argv[2] ?? 'digits-preview.png';
const seed = process.argv[3] ?? 'preview';
const perRow = Number(process.argv[4] ?? 16);
const scale = 2;
const pad = 2;

const { inputs, labels } = generateDigits(seed, perRow * 30);
const rows: number[][] = Array.from({ length: 10 }, () => []);
for (let i = 0; i < labels.length; i++) if (rows[labels[i]].length < perRow) rows[labels[i]].push(i);

const cell = IMAGE_SIZE * scale + pad;
const width = perRow * cell + pad;
const height = 10 * cell + pad;
const gray = new Uint8Array(width * height).fill(96);
for (let d = 0; d < 10; d++) {
  rows[d].forEach((idx, k) => {
    for (let y = 0; y < IMAGE_SIZE * scale; y++) {
      for (let x = 0; x < IMAGE_SIZE * scale; x++) {
        const v = inputs[idx * PIXELS + Math.floor(y / scale) * IMAGE_SIZE + Math.floor(x / scale)];
        gray[(pad + d * cell + y) * width + pad + k * cell + x] = Math.round(255 * v);
      }
    }
  });
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(width, 0);
ihdr.writeUInt32BE(height, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 0; // grayscale
const raw = Buffer.alloc((width + 1) * height);
for (let y = 0; y < height; y++) raw.set(gray.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
writeFileSync(out, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]));
console.log(`wrote ${out} (${width}x${height})`);
