import { z } from 'zod';
import { defineJobType } from '../../contracts/job-type.js';

/**
 * At most this many base64 characters (about 512 KiB of image), so that a submit body stays
 * under the API's 1 MiB limit with room for the rest of the job.
 */
export const MAX_IMAGE_BASE64_CHARS = 700_000;

/** A 32×32 PNG of 249 bytes: a sun over grass. */
const EXAMPLE_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAMFBMVEUtpE4fb+v/0z0jcefexFfhxlT1zkVokLOZpoxrkbEhcOmxsHqXpI5kjrWvsHuysHmGgSCbAAAACXBIWXMAAAsTAAALEwEAmpwYAAAAb0lEQVQoz2MQRAMMtBMQnu2WstMQSaBUCQjCEQIrlMCgCy7QBBHQgQmIK0HBRaiAKUwgGCowCSagCRX4BBPQgwo4wQRUoAJJMAE1XAIYWjahGwq3Vh0qYILuMAynY3hOcA1E4BRUgAEJkCtAccwBAKYGM6ZHbgA5AAAAAElFTkSuQmCC';

/** A side of the thumbnail, in pixels. */
const side = () => z.number().int('must be a whole number of pixels').min(16, 'must be at least 16').max(1024, 'must be at most 1024');

const FORMATS = ['webp', 'png', 'jpeg'] as const;

/** An image made smaller (or larger) to a width, and optionally a height, in another format. */
export default defineJobType({
  job_type: 'thumbnail',
  display_name: 'Thumbnail',
  description: 'Resizes an image (PNG, JPEG, WebP, GIF or AVIF) to a thumbnail in WebP, PNG or JPEG.',
  payload: z.strictObject({
    // Standard base64 only: a data: URL prefix, line breaks or the URL-safe alphabet are refused.
    image_base64: z
      .base64('must be the image file in standard base64 (A-Z, a-z, 0-9, + and /, padded with =), with no "data:" prefix and no line breaks, e.g. the output of `base64 -w0 photo.png`')
      .min(1, 'must not be empty')
      .max(MAX_IMAGE_BASE64_CHARS, `must be at most ${MAX_IMAGE_BASE64_CHARS} base64 characters (about 512 KiB of image)`)
      .meta({
        title: 'Image (base64)',
        description: `A PNG, JPEG, WebP, GIF (first frame) or AVIF file in standard base64, at most ${MAX_IMAGE_BASE64_CHARS} characters and 50 megapixels`,
        examples: [EXAMPLE_PNG_BASE64],
      }),
    width: side().meta({ description: 'Width of the thumbnail in pixels, 16 to 1024', examples: [256] }),
    height: side()
      .optional()
      .meta({ description: 'Height in pixels, 16 to 1024; left out, the aspect ratio is kept (and fit does not matter)' }),
    fit: z
      .enum(['inside', 'cover', 'contain'])
      .default('inside')
      .meta({ description: 'inside: fits within the box, aspect kept; cover: fills the box, cropped; contain: fills the box, letterboxed' }),
    format: z.enum(FORMATS).default('webp').meta({ description: 'Format of the thumbnail' }),
  }),
  output: z.object({
    thumbnail_base64: z.string(),
    format: z.enum(FORMATS),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int(),
    original: z.object({ format: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() }),
  }),
  example_payload: { image_base64: EXAMPLE_PNG_BASE64, width: 256, format: 'webp' },
  // The image's own size is known only once it is decoded: the label says what was asked for.
  label: (p) => `→ ${p.width}${p.height === undefined ? '' : `×${p.height}`} px ${p.format}`,
});
