// Debian's Chromium driven by playwright-core, launched the same way everywhere: headless,
// no sandbox (containers), nothing that phones home, and a fresh empty profile per launch.
// Screenshots go to test-artifacts/screenshots/<journey>/ (git-ignored, kept by CI).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ROOT } from './server.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'screenshots');

/** A phone: an iPhone 12-class viewport, touch, mobile layout. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
/** The registry's desktop at a window. */
export const DESKTOP = {
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
};

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh empty profile (Playwright passes it as --user-data-dir; it
 * refuses the flag in args) and opens one page on a phone (default) or desktop viewport. One
 * launch per journey: no cookie, cache or storage carries over from another journey.
 */
export async function launchBrowser(opts: {
  baseURL: string;
  locale?: string;
  javaScriptEnabled?: boolean;
  device?: 'phone' | 'desktop';
}): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'registry-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    ...(opts.device === 'desktop' ? DESKTOP : PHONE),
    baseURL: opts.baseURL,
    locale: opts.locale ?? 'zh-CN',
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Takes a full-page screenshot into test-artifacts/screenshots/<journey>/<step>.png and returns its path. */
export async function shot(page: Page, journey: string, step: string): Promise<string> {
  const dir = path.join(ARTIFACTS, journey);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Collects what would make a page look broken to a person: console errors, failed requests
 * (a missing stylesheet), CSP violations. Journeys assert the list stays empty.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    // "Failed to load resource" repeats what the response listener reports with its URL.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`),
  );
  page.on('response', (res) => {
    // A page may answer 4xx on purpose; a stylesheet, script or icon must not.
    const isPage = res.request().resourceType() === 'document';
    if (res.status() >= 500 || (!isPage && res.status() >= 400))
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

/** True when the page is wider than its viewport (content that forces sideways scrolling on a phone). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  // A string expression: it runs in the page, where the DOM exists (this project has no DOM types).
  return (await page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1')) === true;
}
