import { createWorker } from 'tesseract.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { encodeTiff } from '/work/main/bots/extract/tiff-encode.ts';
const require = createRequire('/work/main/package.json');
const img = await loadImage(readFileSync('/work/main/fixtures/demo/07_scan_0001.png'));
const c = createCanvas(img.width, img.height); const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
const d = ctx.getImageData(0, 0, img.width, img.height).data;
const grey = new Uint8Array(img.width * img.height); for (let i = 0; i < grey.length; i++) grey[i] = d[i * 4];
const tif = encodeTiff([{ width: img.width, height: img.height, pixels: grey }, { width: img.width, height: img.height, pixels: grey }]);
writeFileSync('/tmp/ex/two.tif', tif);
const langPath = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0');
const w = await createWorker('eng', 1, { langPath, gzip: true, cachePath: '/tmp/rpa-tesseract-cache' });
const t = Date.now();
try { const r = await w.recognize(Buffer.from(tif), {}, { text: true }); console.log(Date.now() - t, r.data.text.slice(0, 150), r.data.confidence); } catch (e) { console.log('ERR', e); }
await w.terminate();
