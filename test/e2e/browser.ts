import { existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (packages chromium and chromium-driver; .ci/run installs them). */
export const CHROMIUM = process.env['DFCHAIN_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium as root on a machine with no network beyond loopback: without
 * the background-networking ones it keeps trying Google's hosts, and the sandbox needs a user.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts Debian's Chromium headless (playwright-core gives each launch a fresh empty profile). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium chromium-driver; .ci/run does), or set DFCHAIN_CHROMIUM to a Chromium binary`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** Where the README's screenshots live. */
const DOC_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

/**
 * Screenshots `page` (the whole page with `fullPage`, else the laptop-sized view) to `dir/name.png`; with DFCHAIN_SCREENSHOTS=docs also to docs/images/
 * (the README shows those: regenerate them with that variable set).
 */
export async function screenshot(
  page: Page,
  dir: string,
  name: string,
  fullPage = false,
): Promise<string> {
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  if (process.env['DFCHAIN_SCREENSHOTS'] === 'docs') {
    mkdirSync(DOC_IMAGES, { recursive: true });
    copyFileSync(file, join(DOC_IMAGES, `${name}.png`));
  }
  return file;
}
