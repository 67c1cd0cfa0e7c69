import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium package; playwright-core downloads no browser of its own. */
export const chromiumPath = '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  /** Closes the browser and deletes its profile folder. */
  close(): Promise<void>;
}

/**
 * Real headless Chromium with a throwaway profile. Fails (never skips) when
 * the browser is missing, so a machine without it cannot pass the UI tests.
 */
export async function launchBrowser({ locale = 'en-US' }: { locale?: string } = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}; the end-to-end tests need it. ` +
        'Install it with: apt-get install -y chromium',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'hadaf-chromium-'));
  // The profile goes in as the first argument: passing --user-data-dir in args breaks playwright-core.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    locale,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
