// Builds the dispatcher console (src/web) into dist/web: one minified, content-hashed JS and CSS bundle under
// assets/, and index.html pointing at them. Prints each asset's gzip size. Skipped when nothing changed since.
// Plain .mjs (not compiled by tsc): `npm run build` runs it right after the server's tsc.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const sources = ['src/web', 'src/i18n', 'src/http/schemas.ts', 'scripts/build-web.mjs', 'package-lock.json'].map((p) => join(root, p));

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const indexOut = join(out, 'index.html');
if (!process.argv.includes('--force') && existsSync(indexOut) && statSync(indexOut).mtimeMs >= Math.max(...sources.map(newest))) {
  console.log('web: up to date');
  process.exit(0);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
const result = await build({
  entryPoints: [join(root, 'src/web/main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.png': 'file', '.svg': 'file' },
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const assets = Object.keys(result.metafile.outputs).map((file) => '/' + relative(out, join(root, file)).split('\\').join('/'));
const js = assets.find((a) => a.endsWith('.js'));
const css = assets.find((a) => a.endsWith('.css'));
const template = readFileSync(join(root, 'src/web/index.html'), 'utf8');
writeFileSync(indexOut, template.replace('<!-- assets -->', `<link rel="stylesheet" href="${css}">\n    <script type="module" src="${js}"></script>`));

let total = 0;
for (const asset of assets) {
  const bytes = readFileSync(join(out, asset));
  const gz = gzipSync(bytes).length;
  if (asset.endsWith('.js') || asset.endsWith('.css')) total += gz;
  console.log(`web: ${asset.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${(gz / 1024).toFixed(1).padStart(6)} KB gzip`);
}
console.log(`web: the board's JS + CSS, gzip: ${(total / 1024).toFixed(1)} KB`);
