/**
 * `npm run icons`: renders the icon sources in assets/ to the PNGs the app and electron-builder use,
 * with Chromium (playwright-core, CHROMIUM_PATH or /usr/bin/chromium). The PNGs are committed, so
 * only run this after changing an SVG.
 *
 *   assets/icon.svg            → assets/icon.png (1024, mac/win builds) and assets/icons/<n>x<n>.png (16…512, Linux)
 *   assets/tray/<state>.svg    → assets/tray/tray-<state>-<light|dark>.png (16 px) and …@2x.png (32 px)
 *                                 light = for light menu bars (dark outline), dark = for dark ones (light outline)
 *   assets/tray/<state>.svg    → assets/notify/<state>.png (64 px, notification icons; ok/warning/critical)
 */
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = join(root, 'assets');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STATES = ['ok', 'warning', 'critical', 'disconnected'] as const;
const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const OUTLINE = { light: '#1f2937', dark: '#f3f4f6' } as const;

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`make-icons: Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const written: string[] = [];
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const render = async (svg: string, size: number, out: string, color = '#000000') => {
      await page.setViewportSize({ width: size, height: size });
      const sized = svg.replace(/<svg\b([^>]*?)\swidth="\d+"\s+height="\d+"/, `<svg$1 width="${size}" height="${size}"`);
      await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent;color:${color}">${sized}</body></html>`);
      mkdirSync(dirname(out), { recursive: true });
      await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      written.push(out);
    };
    const icon = readFileSync(join(assets, 'icon.svg'), 'utf8');
    for (const n of APP_SIZES) await render(icon, n, join(assets, 'icons', `${n}x${n}.png`));
    await render(icon, 1024, join(assets, 'icon.png'));
    for (const state of STATES) {
      const svg = readFileSync(join(assets, 'tray', `${state}.svg`), 'utf8');
      for (const variant of ['light', 'dark'] as const) {
        await render(svg, 16, join(assets, 'tray', `tray-${state}-${variant}.png`), OUTLINE[variant]);
        await render(svg, 32, join(assets, 'tray', `tray-${state}-${variant}@2x.png`), OUTLINE[variant]);
      }
      if (state !== 'disconnected') await render(svg, 64, join(assets, 'notify', `${state}.png`), OUTLINE.light);
    }
  } finally {
    await browser.close();
  }
  console.log(`make-icons: wrote ${written.length} PNGs under assets/`);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
