// Page timings of the console against a running `fundledger serve` (by
// hand, not in ctest: the 1M-entry ledger takes minutes to build; see
// docs/PERFORMANCE.md "Console pages"). Each page is loaded cold in a
// fresh browser context (empty cache, so every asset is transferred), and
// timed from navigation start until the frame that showed the page (the
// console's performance mark fl-ready:<page>, set with main[data-ready]). Bytes are what went over the wire: response bodies
// as sent plus headers, for every request of the page. Then the same pages
// by in-app navigation (the console loaded once, each page by its link).
//   node page_timings.mjs --url http://127.0.0.1:8080 --token flt_... [--runs 3]
import { chromium } from 'playwright-core';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean)
  .map((s) => s.trim().split(/\s+/)));
const BASE = args.url.replace(/\/$/, '');
const TOKEN = args.token;
const RUNS = Number(args.runs || 3);

const api = async (path) => {
  const r = await fetch(BASE + path, { headers: { Authorization: 'Bearer ' + TOKEN } });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.json();
};

// Pages with real ids from the ledger: the first flag, a lot and a contract
// of the first county that has some, an entry in the middle of the log.
const ledger = await fetch(BASE + '/v1/ledger').then((r) => r.json());
const firstFlag = (await api('/v1/flags?limit=1')).flags[0];
const lot = (await api('/v1/lots?limit=1&division_code=530102')).lots[0];
const contract = (await api('/v1/contracts?limit=1&division_code=530102')).contracts[0];
const pages = [
  // The floor: the console's own start (role and division names, no data).
  ['sign-in page (baseline)', '#/signin'],
  ['overview', '#/overview'],
  ['overview (Kunming)', '#/overview?division=530100'],
  ['flags', '#/flags'],
  ['flag', '#/flag?id=' + firstFlag.flag_id],
  ['money flow (Sankey)', '#/flow'],
  ['money flow (lot)', '#/flow?lot=' + encodeURIComponent(lot.allocation_id)],
  ['money flow (contract)', '#/flow?contract=' + encodeURIComponent(contract.contract_id)],
  ['lots', '#/lots'],
  ['contracts', '#/contracts'],
  ['caps', '#/caps'],
  ['verify', '#/verify?seq=' + Math.floor(ledger.tree_size / 2)],
  ['report', '#/report?division_code=530102&fiscal_year=2024'],
];

const browser = await chromium.launch({
  executablePath: args.chromium || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
});

async function load(hash) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((t) => sessionStorage.setItem('fl.token', t), TOKEN);
  const page = await context.newPage();
  const requests = [];
  page.on('requestfinished', (r) => requests.push(r));
  const name = hash.slice(2).split('?')[0];
  await page.goto(BASE + '/' + hash);
  await page.waitForSelector(`main[data-ready="${name}"]`, { timeout: 60000 });
  // The console marks the frame that showed the page (not when this
  // script noticed: polling would add up to 100 ms).
  const ms = await page.evaluate((n) => performance.getEntriesByName('fl-ready:' + n).pop().startTime, name);
  const error = await page.$('#page-error');
  if (error) throw new Error(hash + ': ' + await error.textContent());
  let bytes = 0;
  let slowest = ['', 0];
  for (const r of requests) {
    const s = await r.sizes();
    bytes += s.responseBodySize + s.responseHeadersSize;
    const t = r.timing();
    const took = t.responseEnd - t.requestStart;
    if (r.url().includes('/v1/') && took > slowest[1]) slowest = [new URL(r.url()).pathname, took];
  }
  await context.close();
  return { ms, bytes, requests: requests.length, slowest };
}

// One pass first: the server evaluates flags once per applied seq and
// as_of, and the browser compiles the scripts; the runs after it are timed.
console.log(`${BASE}: ${ledger.tree_size} entries; warming up...`);
for (const [, hash] of pages) await load(hash);
const rows = [];
for (const [label, hash] of pages) {
  const runs = [];
  for (let i = 0; i < RUNS; ++i) runs.push(await load(hash));
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(runs.length / 2)];
  const worst = runs[runs.length - 1];
  rows.push({ label, median, worst });
}

// In-app navigation, as a user clicks through: the console loaded once,
// then each page by its #/ link (scripts, names and the token's role kept).
async function inApp() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((t) => sessionStorage.setItem('fl.token', t), TOKEN);
  const page = await context.newPage();
  await page.goto(BASE + '/#/overview');
  await page.waitForSelector('main[data-ready="overview"]', { timeout: 60000 });
  await page.evaluate(() => { location.hash = '#/verify'; });
  await page.waitForSelector('main[data-ready="verify"]');
  const out = {};
  for (const [label, hash] of pages) {
    const name = hash.slice(2).split('?')[0];
    let bytes = 0;
    const count = async (r) => { const z = await r.sizes(); bytes += z.responseBodySize + z.responseHeadersSize; };
    page.on('requestfinished', count);
    const ms = await page.evaluate(async ([h, n]) => {
      const main = document.querySelector('main');
      main.removeAttribute('data-ready');
      const t0 = performance.now();
      location.hash = h;
      await new Promise((resolve) => {
        const check = () => (main.getAttribute('data-ready') === n ? resolve() : setTimeout(check, 5));
        check();
      });
      return performance.getEntriesByName('fl-ready:' + n).pop().startTime - t0;
    }, [hash, name]);
    await page.waitForTimeout(300);  // requestfinished events arrive late
    page.off('requestfinished', count);
    out[label] = { ms, bytes };
    // Back to the empty verify form, so the next hash is a change.
    await page.evaluate(() => { location.hash = '#/verify'; });
    await page.waitForSelector('main[data-ready="verify"]');
  }
  await context.close();
  return out;
}
const nav = [];
for (let i = 0; i < RUNS; ++i) nav.push(await inApp());
await browser.close();
console.log(`| page | cold load, median of ${RUNS} (ms) | slowest cold load (ms) | requests | bytes transferred (cold) | slowest API call (ms) | in-app navigation, median (ms) | bytes (in-app) |`);
console.log('|---|---:|---:|---:|---:|---|---:|---:|');
for (const { label, median, worst } of rows) {
  const n = nav.map((x) => x[label]).sort((a, b) => a.ms - b.ms)[Math.floor(RUNS / 2)];
  console.log(`| ${label} | ${median.ms.toFixed(0)} | ${worst.ms.toFixed(0)} | ${median.requests} | ${median.bytes.toLocaleString('en')} | ${median.slowest[0]} ${median.slowest[1].toFixed(0)} | ${n.ms.toFixed(0)} | ${n.bytes.toLocaleString('en')} |`);
}
const over = rows.filter((r) => r.worst.ms >= 1000 || r.median.bytes > 1000000);
console.log(over.length ? `cold loads at or over 1 s or 1 MB: ${over.map((r) => r.label).join(', ')}` : 'every cold load under 1 s and 1 MB');
