import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../../src/paths.js';
import { createTestApp, type TestApp } from './app.js';

const run = promisify(execFile);

/** Debian's Chromium; CI installs it (.ci/run), so only a developer machine may lack it. */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) =>
  existsSync(p),
);

/** Browser tests skip only where no Chromium exists, and never in CI. */
export function browserAvailable(): boolean {
  if (CHROMIUM) return true;
  const message =
    'NO CHROMIUM FOUND at /usr/bin/chromium: browser, axe and HTML-validity tests are SKIPPED. Install it with `apt-get install -y chromium`.';
  if (process.env.CI) throw new Error(`${message} CI must run them.`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  return false;
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

export interface RunningApp extends TestApp {
  baseUrl: string;
}

/** The app on a free loopback port, with a database of its own. */
export async function startApp(): Promise<RunningApp> {
  const t = await createTestApp();
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...t,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** Runs axe-core with the WCAG 2.2 AA tags; returns violations, prints "incomplete" for review. */
export async function axe(page: Page, label: string): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const summarise = (list: typeof results.violations): AxeFinding[] =>
    list.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  const incomplete = summarise(results.incomplete);
  if (incomplete.length > 0) {
    console.log(
      `axe incomplete (review by hand) on ${label}: ${incomplete.map((f) => `${f.id} ×${f.targets.length}`).join(', ')}`,
    );
  }
  return summarise(results.violations);
}

export interface VnuMessage {
  file: string;
  message: string;
  extract?: string;
}

/** Checks HTML documents with the W3C Nu HTML checker (vnu-jar, Java); returns its errors. */
export async function vnu(documents: Record<string, string>): Promise<VnuMessage[]> {
  const folder = mkdtempSync(join(tmpdir(), 'consulta-vnu-'));
  const files = Object.entries(documents).map(([name, html]) => {
    const file = join(folder, `${name.replace(/[^a-z0-9-]+/gi, '_')}.html`);
    writeFileSync(file, html);
    return file;
  });
  const jar = join(ROOT, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  let output = '';
  try {
    await run('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    output = (error as { stderr?: string }).stderr ?? '';
    if (!output) throw error;
  }
  if (!output.trim()) return [];
  const parsed = JSON.parse(output) as {
    messages: { url: string; message: string; extract?: string; type: string }[];
  };
  return parsed.messages
    .filter((m) => m.type === 'error')
    .map((m) => ({
      file: m.url.replace(/^file:.*\//, ''),
      message: m.message,
      extract: m.extract,
    }));
}
