// The console in a real browser: Debian's chromium driven by playwright-core
// against `fundledger serve` on 127.0.0.1 over the Yunnan fixture (planted
// flags). Every step checks what the page shows against the API's JSON.
// A screenshot of every page goes to SHOTS (build/console-screenshots).
//   node console_test.mjs --fundledger BIN --workdir DIR --shots DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, readFileSync, mkdtempSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean)
  .map((s) => s.trim().split(/\s+/)));
const FL = args.fundledger, WORK = args.workdir, SHOTS = args.shots;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
rmSync(SHOTS, { recursive: true, force: true });
mkdirSync(SHOTS, { recursive: true });
const DATA = join(WORK, 'ledger');

const run = (cmd, a) => execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
run(FL, ['init', '--data', DATA, '--name', 'console.test']);
run('/usr/bin/python3', [join(ROOT, 'fixtures', 'generate.py'), '--admin-key', join(DATA, 'admin.pem'), '--origin', 'fundledger/console.test', '--out', join(WORK, 'fixture'), '--no-check']);
run(FL, ['import', '--data', DATA, join(WORK, 'fixture', 'events.jsonl')]);
const token = run(FL, ['token', 'create', '--data', DATA, '--role', 'auditor', '--scope', '530000']).trim();

// The same yuan formatting as the page, for expected values: BigInt only.
function yuan(fen, plain) {
  let v = BigInt(fen); const neg = v < 0n; if (neg) v = -v;
  const whole = (v / 100n).toString();
  return (neg ? '-' : '') + (plain ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')) + '.' + (v % 100n).toString().padStart(2, '0');
}

const server = spawn(FL, ['serve', '--data', DATA, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
let browser;
let failed = false;
try {
  const ready = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: server.stdout });
    rl.once('line', (l) => resolve(JSON.parse(l)));
    server.once('exit', (c) => reject(new Error('serve exited ' + c)));
  });
  const BASE = 'http://' + ready.listen;
  const api = async (path) => {
    const r = await fetch(BASE + path, { headers: { Authorization: 'Bearer ' + token } });
    assert.equal(r.status, 200, path);
    return r.json();
  };
  // Every entry applied before the browser looks (min_seq waits up to 5 s a call).
  for (;;) {
    const r = await fetch(`${BASE}/v1/flags?limit=1&min_seq=${ready.tree_size - 1}`, { headers: { Authorization: 'Bearer ' + token } });
    if (r.status === 200) break;
    assert.equal(r.status, 503);
  }

  const userDir = mkdtempSync(join(tmpdir(), 'fl-chromium-'));
  // A new empty profile: playwright's persistent context is how a
  // --user-data-dir is given.
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'zh-CN',
  });
  browser = context;
  const page = await context.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(BASE) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) external.push(r.url()); });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const shot = (name) => page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
  const ready_ = (name) => page.waitForSelector(`main[data-ready="${name}"]`);
  const open = async (hash, name) => {
    await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
    await page.goto(BASE + '/' + hash);
    await ready_(name);
  };

  // Sign in.
  await page.goto(BASE + '/');
  await page.waitForSelector('#token-input');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await shot('01-signin');
  await page.fill('#token-input', 'not-a-token');
  await page.press('#token-input', 'Enter');
  await page.waitForSelector('#signin-error:not([hidden])');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('fl.token')), null);
  await page.fill('#token-input', token);
  await page.press('#token-input', 'Enter');
  await ready_('overview');
  assert.equal(await page.textContent('#who-role'), '审计');
  assert.match(await page.textContent('#who-scope'), /云南省/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('fl.token')), token);
  assert.equal(await page.evaluate(() => localStorage.getItem('fl.token')), null);

  // Overview: totals and the rule x prefecture table against the summary route.
  const sum = await api('/v1/reports/flags');
  assert.ok(sum.total > 0);
  assert.equal(Number(await page.textContent('#flag-total')), sum.total);
  const headers = await page.$$eval('#rule-division-table tr:first-child th', (x) => x.map((e) => e.textContent));
  assert.ok(headers.includes('昆明市'), headers.join(','));
  assert.equal(await page.textContent('#tree-size'), String(ready.tree_size));
  await page.waitForSelector('#heat canvas');
  await shot('02-overview');
  // Drill down to Kunming's counties.
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click('#rule-division-table a[href="#/overview?division=530100"]');
  await ready_('overview');
  const counties = await page.$$eval('#rule-division-table tr:first-child th', (x) => x.map((e) => e.textContent));
  assert.ok(counties.some((c) => /区|县|市/.test(c) && c !== '昆明市'), counties.join(','));
  await shot('03-overview-kunming');

  // Flags: filter by rule through the form, compare with the API's page.
  await open('#/flags', 'flags');
  await page.selectOption('select[name=rule]', 'R13');
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click('#flag-filters button[type=submit]');
  await ready_('flags');
  assert.match(page.url(), /rule=R13/);
  const r13 = await api('/v1/flags?rule=R13&limit=50');
  assert.ok(r13.flags.length > 0);
  const rows = await page.$$eval('#flag-table tbody tr', (x) => x.map((r) => ({ id: r.dataset.flag, cells: [...r.cells].map((c) => c.textContent) })));
  assert.deepEqual(rows.map((r) => r.id), r13.flags.map((f) => f.flag_id));
  rows.forEach((r, i) => {
    assert.equal(r.cells[0], 'R13');
    assert.equal(r.cells[3], yuan(r13.flags[i].amount_fen));
  });
  await shot('04-flags-R13');

  // CSV of the same filter: BOM, one row per flag, yuan beside fen.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#flags-csv')]);
  const csvPath = join(WORK, 'flags.csv');
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8');
  assert.ok(csv.startsWith('\uFEFFflag_id,rule,'), csv.slice(0, 40));
  const csvRows = csv.slice(1).trim().split('\r\n').map((l) => l.split(','));
  const all13 = await api('/v1/flags?rule=R13&limit=1000');
  assert.equal(csvRows.length - 1, all13.flags.length);
  csvRows.slice(1).forEach((c, i) => {
    const f = all13.flags[i];
    assert.equal(c[0], f.flag_id);
    assert.equal(c[4], f.division_code);
    assert.equal(c[6], yuan(f.amount_fen, true));
    assert.equal(c[7], String(f.amount_fen));
  });
  assert.ok(csvRows.slice(1).every((c) => c[5].length > 0), 'division names beside codes');

  // One flag: rule in words, amount, evidence entries.
  const first = r13.flags[0];
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click(`#flag-table tr[data-flag="${first.flag_id}"] a`);
  await ready_('flag');
  const detail = await api('/v1/flags/' + first.flag_id);
  assert.match(await page.textContent('#rule-text'), /重复支付/);
  assert.equal(await page.textContent('#flag-amount'), yuan(detail.amount_fen));
  assert.equal(await page.$$eval('#evidence-table tr', (x) => x.length - 1), detail.entries.length);
  await shot('05-flag');

  // Money flow of the lot that paid: running balance ends at the lot's balance.
  const lotId = detail.entries.map((e) => e.entry && e.entry.event.data.allocation_id).find(Boolean);
  assert.ok(lotId);
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click(`#evidence-table a[href="#/flow?lot=${lotId}"]`);
  await ready_('flow');
  const lot = await api('/v1/lots/' + encodeURIComponent(lotId));
  assert.equal(await page.textContent('#flow-balance'), yuan(lot.balance));
  const flowRows = await page.$$eval('#flow-table tr', (x) => x.slice(1).map((r) => r.cells[4].textContent));
  assert.equal(flowRows.length, Math.min(100, lot.seqs.length));
  if (lot.seqs.length <= 100) assert.equal(flowRows[flowRows.length - 1], yuan(lot.balance));
  await shot('06-flow-lot');
  await open('#/flow?division=530100', 'flow');
  await page.waitForSelector('#sankey canvas');
  assert.ok(await page.$$eval('#balance-table tr', (x) => x.length) > 1);
  await shot('07-flow-sankey');

  // Caps.
  await open('#/caps?fiscal_year=2024', 'caps');
  const caps = await api('/v1/reports/caps?fiscal_year=2024');
  assert.equal(await page.$$eval('#caps-table tr', (x) => x.length - 1), 2 * Math.min(500, caps.counties.length));
  await page.waitForSelector('#caps-chart canvas');
  await shot('08-caps');

  // Verify in the browser, then a tampered proof must fail.
  const seq = Number(args.seq || Math.floor(ready.tree_size / 3));
  await open('#/verify?seq=' + seq, 'verify');
  await page.waitForSelector('#verify-ok, #verify-fail');
  assert.equal(await page.$('#verify-fail'), null, await page.textContent('#verify-result'));
  const ok = await page.textContent('#verify-ok');
  assert.match(ok, new RegExp(`条目 ${seq} 在大小为 ${ready.tree_size} 的日志中`));
  assert.match(ok, /fundledger\/console\.test/);
  await shot('09-verify');
  await page.route('**/v1/proofs/inclusion**', async (route) => {
    const res = await route.fetch();
    const proof = await res.json();
    proof.hashes[0] = (proof.hashes[0][0] === '0' ? '1' : '0') + proof.hashes[0].slice(1);
    await route.fulfill({ response: res, json: proof });
  });
  await open('#/verify?seq=' + (seq + 1), 'verify');
  assert.equal(await page.$('#verify-ok'), null);
  assert.match(await page.textContent('#verify-fail'), /验证失败/);
  await shot('10-verify-tampered');
  await page.unroute('**/v1/proofs/inclusion**');

  // The printable county-year report, to PDF.
  await open('#/report?division_code=530102&fiscal_year=2024', 'report');
  assert.match(await page.textContent('#report h1'), /五华区 2024/);
  await shot('11-report');
  await page.emulateMedia({ media: 'print' });
  const pdf = join(SHOTS, 'report.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  assert.ok(statSync(pdf).size > 10000);
  await page.emulateMedia({ media: 'screen' });

  // English, and keyboard: the nav is reachable by Tab and followed by Enter.
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click('#lang');
  await ready_('report');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#nav a[href="#/flags"]'), 'Flags');
  await open('#/overview', 'overview');
  await shot('12-overview-en');
  await page.focus('#nav a[href="#/caps"]');
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.keyboard.press('Enter');
  await ready_('caps');

  assert.deepEqual(external, [], 'no request leaves the server');
  assert.deepEqual(pageErrors, []);
  console.log(`console test: ok (${ready.tree_size} entries, ${sum.total} flags; screenshots in ${SHOTS})`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
process.exit(failed ? 1 : 0);
