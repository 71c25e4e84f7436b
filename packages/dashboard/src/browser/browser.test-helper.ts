import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Debian's chromium (scripts/setup.sh installs it; WM_CHROMIUM points elsewhere). playwright-core
 * never downloads a browser.
 */
export const chromiumPath = process.env.WM_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Collects what the page complains about (CSP violations, uncaught errors) for assertions. */
export function recordPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A failed load says only its status: where it came from names the request.
    const where = message.location().url;
    if (message.type() === 'error') problems.push(`console: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  return problems;
}
