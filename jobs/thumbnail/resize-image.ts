import type { Sharp } from 'sharp';
import { ProviderError } from '../../core/errors/index.js';
import type { JobRun } from '../../core/ports/index.js';
import type contract from './contract.js';

/**
 * Decoded pixels an input may have (a 50-megapixel photo is 8660 × 5773). A few hundred KiB of
 * PNG can declare 20000 × 20000 pixels, gigabytes once decoded: such a decompression bomb fails
 * the job before it is decoded, however small its file.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

/**
 * Bytes a thumbnail may have: the result document holds input and output, and Cosmos DB for
 * MongoDB keeps documents under 2 MB. A 1024 px PNG of a photo can pass 2 MB; WebP or JPEG do not.
 */
export const MAX_THUMBNAIL_BYTES = 512 * 1024;

/** The input formats the payload documents; libvips reads more (SVG, TIFF), which a job is not to. */
const INPUT_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'avif']);

type SharpFactory = typeof import('sharp').default;
let loaded: Promise<SharpFactory> | undefined;

/**
 * sharp (libvips, a native library) is loaded at the first thumbnail job, so a process that
 * never runs one (the API, which only validates payloads) never loads it. Its operation cache
 * is off: each job's image is new, and the worker's memory is better kept for jobs in flight.
 */
function loadSharp(): Promise<SharpFactory> {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}

/**
 * Resizes the payload's image with sharp. sharp cannot be interrupted once it runs, so the job's
 * signal is checked at each step instead: before decoding, before resizing and after it.
 */
export const resizeImage: JobRun<typeof contract> = async (payload, context) => {
  context.signal.throwIfAborted();
  const sharp = await loadSharp();
  const input = Buffer.from(payload.image_base64, 'base64');
  // The header is read without the pixel limit, so a bomb is refused naming its size; the
  // limit still guards the decode itself.
  const open = (limitInputPixels: number | false): Sharp => sharp(input, { limitInputPixels, autoOrient: true });

  await context.progress('decoding');
  const metadata = await open(false)
    .metadata()
    .catch((error: unknown) => {
      throw unreadable(error);
    });
  // libvips names AVIF heif, by its container; its AV1 compression is what makes it AVIF.
  const format = metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : metadata.format;
  const original = { format, width: metadata.autoOrient.width, height: metadata.autoOrient.height, bytes: input.length };
  if (!INPUT_FORMATS.has(format)) {
    throw new ProviderError('IMAGE_FORMAT_UNSUPPORTED', `a ${format} image cannot be made a thumbnail: send PNG, JPEG, WebP, GIF or AVIF`, false);
  }
  if (original.width * original.height > MAX_INPUT_PIXELS) throw tooLarge(original);
  context.signal.throwIfAborted();

  const box = payload.height === undefined ? `${payload.width} px wide` : `${payload.width} × ${payload.height} px`;
  await context.progress(`resizing ${original.width} × ${original.height} ${original.format} to ${box}`);
  // JPEG has no transparency: letterboxing and transparent pixels become white instead of black.
  const background = payload.format === 'jpeg' ? '#ffffff' : { r: 0, g: 0, b: 0, alpha: 0 };
  const pipeline = open(MAX_INPUT_PIXELS).resize({ width: payload.width, height: payload.height, fit: payload.fit, background });
  if (payload.format === 'jpeg') pipeline.flatten({ background });
  const { data, info } = await pipeline
    .toFormat(payload.format)
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw /pixel limit/i.test(String((error as Error)?.message)) ? tooLarge(original) : unreadable(error);
    });
  context.signal.throwIfAborted();

  if (data.length > MAX_THUMBNAIL_BYTES) {
    throw new ProviderError(
      'THUMBNAIL_TOO_LARGE',
      `the ${info.width} × ${info.height} ${payload.format} thumbnail is ${data.length} bytes, over the ${MAX_THUMBNAIL_BYTES} a result may hold: ask for webp or jpeg, or a smaller size`,
      false,
    );
  }
  return {
    thumbnail_base64: data.toString('base64'),
    format: payload.format,
    width: info.width,
    height: info.height,
    bytes: data.length,
    original,
  };
};

function unreadable(error: unknown): ProviderError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ProviderError('IMAGE_UNREADABLE', `the image cannot be read as PNG, JPEG, WebP, GIF or AVIF (${reason})`, false, { cause: error });
}

function tooLarge(image: { width: number; height: number }): ProviderError {
  return new ProviderError(
    'IMAGE_TOO_LARGE',
    `the image is ${image.width} × ${image.height} pixels, over the ${MAX_INPUT_PIXELS} this job decodes`,
    false,
  );
}
