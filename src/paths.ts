import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, whether running from src/ (tsx) or dist/src/ (build). */
const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = here.endsWith(join('dist', 'src')) ? join(here, '..', '..') : join(here, '..');

export const PATHS = {
  views: join(ROOT, 'views'),
  public: join(ROOT, 'public'),
  locales: join(ROOT, 'locales'),
  demoQuestionnaire: join(ROOT, 'questionnaires', 'genomic-data-sharing.json'),
};

export const DEMO_SLUG = 'genomic-data-sharing';
