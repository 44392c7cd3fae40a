// Writes docs/troubleshooting.md and the README's troubleshooting section from the doctor's
// catalogue (see scripts/troubleshooting-doc.ts). `--check`: change nothing, exit 1 when stale.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const bundle = await build({ entryPoints: ['scripts/troubleshooting-doc.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
const doc = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
const check = process.argv.includes('--check');
const files = [
  [doc.TROUBLESHOOTING_PATH, doc.renderTroubleshooting()],
  ['README.md', doc.withReadmeSection(readFileSync('README.md', 'utf8'))],
];
let stale = 0;
for (const [path, text] of files) {
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    /* new file */
  }
  if (old === text) continue;
  stale++;
  if (check) {
    console.error(`${path} is out of date: run npm run docs`);
  } else {
    mkdirSync('docs', { recursive: true });
    writeFileSync(path, text);
    console.error(`wrote ${path}`);
  }
}
process.exitCode = check && stale ? 1 : 0;
