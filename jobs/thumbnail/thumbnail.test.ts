import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { toFieldIssues } from '../../contracts/field-issues.js';
import { jobContext, realHandler } from '../../test/support/job-harness.js';
import { MAX_INPUT_PIXELS } from './resize-image.js';
import handler from './handler.js';

const run = realHandler(handler, {});
const base64 = (image: Buffer) => image.toString('base64');

/** A real image of the given size: red on the left half, blue on the right, opaque. */
async function image(width: number, height: number, format: 'png' | 'jpeg' | 'avif' = 'png'): Promise<Buffer> {
  const half = await sharp({ create: { width: Math.ceil(width / 2), height, channels: 3, background: '#0000ff' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } })
    .composite([{ input: half, left: Math.floor(width / 2), top: 0 }])
    .toFormat(format)
    .toBuffer();
}

/** A PNG whose header declares `width` × `height` over a few bytes of pixels: a decompression bomb. */
function declaredPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(width + 1))), chunk('IEND', Buffer.alloc(0))]);
}

describe('thumbnail', () => {
  it('resizes a real PNG to a WebP thumbnail that reads back at the size it reports', async () => {
    const png = await image(640, 480);
    const context = jobContext();
    const output = await run({ image_base64: base64(png), width: 256 }, context);
    expect(output).toMatchObject({ format: 'webp', width: 256, height: 192, original: { format: 'png', width: 640, height: 480, bytes: png.length } });
    const thumbnail = Buffer.from(output.thumbnail_base64, 'base64');
    expect(output.bytes).toBe(thumbnail.length);
    expect(await sharp(thumbnail).metadata()).toMatchObject({ format: 'webp', width: 256, height: 192 });
    expect(context.reported).toEqual(['decoding', 'resizing 640 × 480 png to 256 px wide']);
  });

  it('fits the box inside, covering it, or letterboxed, in the format asked for', async () => {
    const png = base64(await image(64, 32));
    const box = { image_base64: png, width: 32, height: 32 } as const;
    const read = async (output: { thumbnail_base64: string }) => sharp(Buffer.from(output.thumbnail_base64, 'base64')).metadata();
    const inside = await run({ ...box, format: 'png' });
    expect(await read(inside)).toMatchObject({ format: 'png', width: 32, height: 16 });
    const cover = await run({ ...box, fit: 'cover', format: 'jpeg' });
    expect(await read(cover)).toMatchObject({ format: 'jpeg', width: 32, height: 32 });
    const contain = await run({ ...box, fit: 'contain', format: 'png' });
    expect(await read(contain)).toMatchObject({ format: 'png', width: 32, height: 32, hasAlpha: true });
    // Letterboxed: the top row is transparent, the middle row is the picture (red, then blue).
    const { data } = await sharp(Buffer.from(contain.thumbnail_base64, 'base64')).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)];
    expect(pixel(16, 0)[3]).toBe(0);
    expect(pixel(2, 16)).toEqual([255, 0, 0, 255]);
    expect(pixel(29, 16)).toEqual([0, 0, 255, 255]);
  });

  it('reads AVIF and names it so', async () => {
    const output = await run({ image_base64: base64(await image(40, 40, 'avif')), width: 20, format: 'png' });
    expect(output).toMatchObject({ width: 20, height: 20, original: { format: 'avif', width: 40, height: 40 } });
  });

  it('resizes its own example, and says so', async () => {
    const output = await run(handler.contract.example_payload);
    expect(output).toMatchObject({ format: 'webp', width: 256, height: 256, original: { format: 'png', width: 32, height: 32 } });
    expect(handler.contract.label(handler.contract.payload.parse(handler.contract.example_payload))).toBe('→ 256 px webp');
  });

  it('fails a payload that is no image with IMAGE_UNREADABLE, and an image it does not take with IMAGE_FORMAT_UNSUPPORTED', async () => {
    await expect(run({ image_base64: base64(Buffer.from('just some words, not an image')), width: 64 })).rejects.toMatchObject({ providerCode: 'IMAGE_UNREADABLE', transient: false });
    const truncated = (await image(200, 200, 'jpeg')).subarray(0, 400);
    await expect(run({ image_base64: base64(truncated), width: 64 })).rejects.toMatchObject({ providerCode: 'IMAGE_UNREADABLE', transient: false });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>');
    await expect(run({ image_base64: base64(svg), width: 32 })).rejects.toMatchObject({ providerCode: 'IMAGE_FORMAT_UNSUPPORTED', transient: false });
  });

  it('fails a decompression bomb with IMAGE_TOO_LARGE before decoding it', async () => {
    const bomb = declaredPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(1_000);
    const context = jobContext();
    const failure = run({ image_base64: base64(bomb), width: 64 }, context);
    await expect(failure).rejects.toMatchObject({ providerCode: 'IMAGE_TOO_LARGE', transient: false });
    await expect(failure).rejects.toThrow(`20000 × 20000 pixels, over the ${MAX_INPUT_PIXELS}`);
    expect(context.reported).toEqual(['decoding']);
  });

  it('fails a thumbnail too big for a result with THUMBNAIL_TOO_LARGE', async () => {
    const noise = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    await expect(run({ image_base64: base64(noise), width: 1024, height: 1024, fit: 'cover', format: 'png' })).rejects.toMatchObject({ providerCode: 'THUMBNAIL_TOO_LARGE', transient: false });
  });

  it('stops when its signal is aborted: before it starts, and at a progress report', async () => {
    const payload = { image_base64: base64(await image(64, 64)), width: 32 };
    const cancelled = jobContext();
    cancelled.abort.abort(new Error('job cancelled'));
    await expect(run(payload, cancelled)).rejects.toThrow('job cancelled');
    expect(cancelled.reported).toEqual([]);
    // A cancel request is seen at a progress report, which aborts the signal: no resize follows.
    const atProgress = jobContext();
    atProgress.progress = async (message) => {
      atProgress.reported.push(message);
      atProgress.abort.abort(new Error('job cancelled'));
    };
    await expect(run(payload, atProgress)).rejects.toThrow('job cancelled');
    expect(atProgress.reported).toEqual(['decoding']);
  });

  it('refuses a payload whose image is not base64, naming the field', () => {
    const refused = handler.contract.payload.safeParse({ image_base64: 'data:image/png;base64,iVBORw0KGgo=', width: 64 });
    expect(refused.success).toBe(false);
    expect(toFieldIssues(refused.error!, 'payload')).toEqual([{ field: 'payload.image_base64', message: expect.stringContaining('must be the image file in standard base64') }]);
    const tooLong = handler.contract.payload.safeParse({ image_base64: 'A'.repeat(700_004), width: 64 });
    expect(toFieldIssues(tooLong.error!, 'payload')).toEqual([{ field: 'payload.image_base64', message: expect.stringContaining('at most 700000 base64 characters') }]);
  });
});
