/** Figure 8 — cold start: spawn the browser-mode host (as `npm run serve` does, without the build) → first server tile visible in Chromium. */
import type { Browser } from 'playwright-core';
import { newPage } from '../e2e/support/chromium';
import { le, type Figure } from './report';
import { TILE } from './fleet';
import { spawnCore } from './util';

export async function coldStart(browser: Browser, promUrl: string): Promise<Figure> {
  const { page } = await newPage(browser);
  const t0 = performance.now();
  const core = await spawnCore({ environments: [{ name: 'prod', prometheus: [{ name: 'prometheus', url: promUrl }] }] });
  try {
    await page.goto(`${core.url}#/servers`);
    await page.locator(TILE).first().waitFor({ timeout: 60_000 });
    const ms = performance.now() - t0;
    return {
      id: '8',
      name: 'cold start: spawn the browser-mode host → first server tile',
      value: ms / 1000,
      unit: 's',
      target: '≤ 1.5 s',
      pass: le(ms / 1000, 1.5),
      detail: { listeningAfterMs: Math.round(core.listeningAfterMs), pageToTileMs: Math.round(ms - core.listeningAfterMs) },
    };
  } finally {
    await page.context().close();
    await core.stop();
  }
}
