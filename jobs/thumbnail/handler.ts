import { defineJobHandler } from '../../core/ports/index.js';
import contract from './contract.js';
import { resizeImage } from './resize-image.js';

/**
 * The resize runs in the worker's own process, deterministic and with nothing to call: the
 * embedded default runs it for real too, and its output is never marked simulated.
 */
export default defineJobHandler(contract, {
  source: 'sharp',
  offline: true,
  create: () => resizeImage,
});
