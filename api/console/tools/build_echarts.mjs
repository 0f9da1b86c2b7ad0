// Build step: the console's minimal ECharts (echarts_entry.mjs) bundled by
// the pinned esbuild (package-lock.json) into one minified IIFE script.
//   node build_echarts.mjs NODE_MODULES OUT.js
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , modules, out] = process.argv;
const require = createRequire(join(modules, 'noop.js'));
const esbuild = require('esbuild');
await esbuild.build({
  entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'echarts_entry.mjs')],
  nodePaths: [modules],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'eof',
  outfile: out,
  logLevel: 'warning',
});
