/**
 * `npm run screenshots`: PNGs of every citizen page at 320 px and 1280 px, in English, Polish
 * and Arabic, into screenshots/ (git-ignored), for people to review. Runs the app on a temporary
 * embedded PostgreSQL of its own.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createDb } from '../src/db/knex.js';
import { ROOT } from '../src/paths.js';
import { CHROMIUM, launchBrowser } from '../tests/helpers/browser.js';
import { migrateAndSeed } from '../tests/helpers/seed.js';
import { visitCitizenPages } from '../tests/browser/visit.js';

const LANGS = ['en', 'pl', 'ar'];
const WIDTHS = [320, 1280];

async function main(): Promise<void> {
  if (!CHROMIUM) throw new Error('No Chromium at /usr/bin/chromium: apt-get install -y chromium');
  const folder = mkdtempSync(join(tmpdir(), 'consulta-shots-'));
  chmodSync(folder, 0o755);
  const database = await startEmbeddedPostgres({
    dir: join(folder, 'pg'),
    port: 54000 + Math.floor(Math.random() * 1000),
  });
  const db = createDb(database.url, 5);
  const out = join(ROOT, 'screenshots');
  mkdirSync(out, { recursive: true });
  try {
    const deps = await migrateAndSeed(db);
    const server = createApp(deps).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await launchBrowser();
    let count = 0;
    for (const lang of LANGS) {
      await visitCitizenPages(browser, baseUrl, lang, async (page, label) => {
        const size = page.viewportSize();
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          await page.screenshot({
            path: join(out, `${lang}-${label.replace(/\s+/g, '-')}-${width}.png`),
            fullPage: true,
          });
          count++;
        }
        if (size) await page.setViewportSize(size);
      });
    }
    await browser.close();
    server.closeAllConnections();
    server.close();
    console.log(`Wrote ${count} screenshots to ${out}`);
  } finally {
    await db.destroy();
    await database.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
