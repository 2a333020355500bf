// Renders media/icon.svg to media/icon.png (128x128) with Debian chromium.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const p = await b.newPage({ viewport: { width: 128, height: 128 } });
await p.setContent(`<html><body style="margin:0;background:transparent">${readFileSync('media/icon.svg', 'utf8')}</body></html>`);
await p.screenshot({ path: 'media/icon.png', omitBackground: true });
await b.close();
