import { join } from 'node:path';
import { REPO_ROOT } from '../../support/processes.js';

/** A stand-in ops/ tree (alert rules and dashboard) for the renderer's own tests. */
export const FIXTURE_ROOT = join(REPO_ROOT, 'test/deploy/fixtures/monitoring');
