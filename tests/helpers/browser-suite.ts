import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { browserAvailable, launchBrowser, startApp, type RunningApp } from './browser.js';

/**
 * Starts the app and Chromium once for a test file (when Chromium exists) and stops them after.
 * Use `suite.enabled` with describe.skipIf, and `suite.app` / `suite.browser` inside tests.
 */
export function browserSuite(): { enabled: boolean; app: RunningApp; browser: Browser } {
  const suite = { enabled: browserAvailable() } as {
    enabled: boolean;
    app: RunningApp;
    browser: Browser;
  };
  beforeAll(async () => {
    if (!suite.enabled) return;
    suite.app = await startApp();
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.close();
  });
  return suite;
}
