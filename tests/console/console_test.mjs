// The console in a real browser: Debian's chromium driven by playwright-core
// against `fundledger serve` on 127.0.0.1 over the Yunnan fixture (planted
// flags). Every step checks what the page shows against the API's JSON:
// overview (flags by rule and division, by month), flags and CSV, a flag
// with its evidence and review history, money flow, the lists of lots and
// contracts (CSV, keyboard), caps, verify, the report as PDF.
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
  // The console's files come gzipped (chromium accepts gzip).
  const encodings = {};
  page.on('response', (r) => { if (r.url().includes('/console/')) encodings[new URL(r.url()).pathname] = r.headers()['content-encoding']; });
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
  // Flags by month: a bar chart, and the same figures as a table for screen readers.
  await page.waitForSelector('#month-chart canvas');
  assert.ok(sum.by_month.length > 0);
  assert.equal(sum.by_month.reduce((n, m) => n + m.count, 0), sum.total);
  const monthRows = await page.$$eval('#month-table tr', (x) => x.slice(1).map((r) => [r.cells[0].textContent, Number(r.cells[1].textContent)]));
  assert.deepEqual(monthRows, sum.by_month.map((m) => [m.month, m.count]));
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
  // Its review history, or a line saying there is none.
  if (detail.reviews.length) assert.equal(await page.$$eval('#review-table tbody tr', (x) => x.length), detail.reviews.length);
  else assert.ok(await page.$('#no-reviews'));

  // Review history: a flag with a flag.reviewed, and one with an exception.approved.
  const reviewedPage = await api('/v1/flags?status=confirmed&limit=1');
  const dismissedPage = await api('/v1/flags?status=dismissed&limit=1');
  const reviewed = (reviewedPage.flags[0] || dismissedPage.flags[0]);
  assert.ok(reviewed, 'the fixture reviews some flag');
  let excepted = null;
  for (let cur = ''; !excepted;) {
    const p = await api('/v1/flags?severity=info&limit=100' + (cur ? '&cursor=' + cur : ''));
    for (const f of p.flags) {
      const d = await api('/v1/flags/' + f.flag_id);
      if (d.reviews.some((r) => r.type === 'exception.approved')) { excepted = d; break; }
    }
    if (!p.next_cursor) break;
    cur = p.next_cursor;
  }
  assert.ok(excepted, 'the fixture approves an exception');
  for (const [id, name] of [[reviewed.flag_id, '05b-flag-reviewed'], [excepted.flag_id, '05c-flag-exception']]) {
    const d = await api('/v1/flags/' + id);
    await open('#/flag?id=' + id, 'flag');
    const shown = await page.$$eval('#review-table tbody tr', (x) => x.map((r) => ({ seq: Number(r.dataset.seq), cells: [...r.cells].map((c) => c.textContent.trim()) })));
    assert.ok(d.reviews.length > 0);
    assert.deepEqual(shown.map((r) => r.seq), d.reviews.map((r) => r.seq));
    shown.forEach((r, i) => {
      const want = d.reviews[i];
      assert.equal(r.cells[0], String(want.seq));
      assert.equal(r.cells[1], want.date);
      assert.equal(r.cells[2], want.type === 'flag.reviewed' ? '疑点复核' : '例外批准');
      assert.equal(r.cells[3], want.agency);
      assert.equal(r.cells[4], want.status ? { confirmed: '已确认', dismissed: '已排除', remediated: '已整改' }[want.status] : want.doc_no);
      assert.equal(r.cells[5], want.note || '');
    });
    if (id === reviewed.flag_id) assert.ok(d.reviews.some((r) => r.type === 'flag.reviewed' && r.status === d.status));
    await shot(name);
  }
  await open('#/flag?id=' + first.flag_id, 'flag');  // back to the R13 flag

  // Money flow of the lot that paid: running balance ends at the lot's balance.
  const lotId = detail.entries.map((e) => e.entry && e.entry.event.data.allocation_id).find(Boolean);
  assert.ok(lotId);
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click(`#evidence-table a[href="#/flow?lot=${lotId}"]`);
  await ready_('flow');
  const lot = await api('/v1/lots/' + encodeURIComponent(lotId));
  assert.equal(await page.textContent('#flow-balance'), yuan(lot.balance));
  const flowRows = await page.$$eval('#flow-table tr', (x) => x.slice(1).map((r) => r.cells[4].textContent));
  assert.equal(flowRows.length, Math.min(50, lot.seqs.length));
  if (lot.seqs.length <= 50) assert.equal(flowRows[flowRows.length - 1], yuan(lot.balance));
  await shot('06-flow-lot');
  // Later pages carry the running balance on: the last page of a lot with
  // more than a page of entries ends at the lot's balance.
  let longLot = null;
  for (const l of (await api('/v1/lots?division_code=530102&limit=40')).lots) {
    const full = await api('/v1/lots/' + encodeURIComponent(l.allocation_id));
    if (!longLot || full.seqs.length > longLot.seqs.length) longLot = full;
  }
  assert.ok(longLot.seqs.length > 50, `a lot with over 50 entries (${longLot.seqs.length})`);
  await open('#/flow?lot=' + encodeURIComponent(longLot.allocation_id), 'flow');
  let flowPages = 1;
  for (; flowPages * 50 < longLot.seqs.length && flowPages < 40; ++flowPages) {
    await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
    await page.click('#flow-next');
    await ready_('flow');
  }
  const lastRows = await page.$$eval('#flow-table tr', (x) => x.slice(1).map((r) => r.cells[4].textContent));
  assert.equal(lastRows[lastRows.length - 1], yuan(longLot.balance), `after ${flowPages} page(s)`);
  assert.equal(lastRows.length, longLot.seqs.length - 50 * (flowPages - 1));
  await open('#/flow?division=530100', 'flow');
  await page.waitForSelector('#sankey canvas');
  const kmBalances = (await api('/v1/balances?division_code=530100')).balances;
  assert.equal(await page.$$eval('#balance-table tr', (x) => x.length - 1), Math.min(50, kmBalances.length));
  assert.equal(!!(await page.$('#balance-next')), kmBalances.length > 50);
  await shot('07-flow-sankey');

  // Lists of lots and contracts: rows against the API, CSV, keyboard.
  const csvOf = async (button, name) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const path = join(WORK, name);
    await dl.saveAs(path);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith('\uFEFF'), name);
    const lines = text.slice(1).trim().split('\r\n').map((l) => l.split(','));
    const head = lines[0];
    return lines.slice(1).map((c) => Object.fromEntries(head.map((h, i) => [h, c[i]])));
  };
  await open('#/flow', 'flow');
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click('#pick-lot');
  await ready_('lots');
  await open('#/lots?division_code=530100', 'lots');
  const lotsPage = await api('/v1/lots?division_code=530100&limit=50');
  assert.ok(lotsPage.lots.length > 1);
  const lotRows = await page.$$eval('#lot-table tbody tr', (x) => x.map((r) => ({ id: r.dataset.id, cells: [...r.cells].map((c) => c.textContent) })));
  assert.deepEqual(lotRows.map((r) => r.id), lotsPage.lots.map((l) => l.allocation_id));
  lotRows.forEach((r, i) => {
    const l = lotsPage.lots[i];
    assert.equal(r.cells[5], yuan(l.received));
    assert.equal(r.cells[6], yuan(l.paid));
    assert.equal(r.cells[7], yuan(l.balance));
    assert.equal(r.cells[8], yuan(l.available));
  });
  assert.equal(Boolean(await page.$('#next-page')), lotsPage.next_cursor !== null);
  await shot('13-lots');
  const lotsAll = await api('/v1/lots?division_code=530100&limit=1000');
  const lotCsv = await csvOf('#list-csv', 'lots.csv');
  assert.equal(lotCsv.length, lotsAll.lots.length);
  lotCsv.forEach((c, i) => {
    const l = lotsAll.lots[i];
    assert.equal(c.allocation_id, l.allocation_id);
    assert.equal(c.division_code, l.division_code);
    assert.ok(c.division_name.length > 0);
    assert.equal(c.balance_yuan, yuan(l.balance, true));
    assert.equal(c.balance_fen, String(l.balance));
    assert.equal(c.received_fen, String(l.received));
  });
  // Keyboard: Tab reaches the first row, ↓ moves, Enter opens the lot's flow.
  await page.focus('#lot-table tbody tr:first-child');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), lotsPage.lots[1].allocation_id);
  assert.equal(await page.evaluate(() => document.activeElement.tabIndex), 0);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.keyboard.press('Enter');
  await ready_('flow');
  const pickedLot = await api('/v1/lots/' + encodeURIComponent(lotsPage.lots[1].allocation_id));
  assert.equal(await page.textContent('#flow-balance'), yuan(pickedLot.balance));

  await open('#/contracts?fiscal_year=2024', 'contracts');
  const ctPage = await api('/v1/contracts?fiscal_year=2024&limit=50');
  assert.ok(ctPage.contracts.length > 1);
  const ctRows = await page.$$eval('#contract-table tbody tr', (x) => x.map((r) => ({ id: r.dataset.id, cells: [...r.cells].map((c) => c.textContent) })));
  assert.deepEqual(ctRows.map((r) => r.id), ctPage.contracts.map((c) => c.contract_id));
  ctRows.forEach((r, i) => {
    const c = ctPage.contracts[i];
    assert.equal(r.cells[6], yuan(c.value_fen));
    assert.equal(r.cells[7], yuan(c.paid));
    assert.equal(r.cells[8], yuan(c.remaining));
  });
  await shot('14-contracts');
  if (ctPage.next_cursor) {
    await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
    await page.click('#next-page');
    await ready_('contracts');
    const second = await api('/v1/contracts?fiscal_year=2024&limit=50&cursor=' + ctPage.next_cursor);
    assert.deepEqual(await page.$$eval('#contract-table tbody tr', (x) => x.map((r) => r.dataset.id)), second.contracts.map((c) => c.contract_id));
  }
  const ctAll = await api('/v1/contracts?fiscal_year=2024&limit=1000');
  const ctCsv = await csvOf('#list-csv', 'contracts.csv');
  assert.equal(ctCsv.length, ctAll.contracts.length);
  ctCsv.forEach((c, i) => {
    const x = ctAll.contracts[i];
    assert.equal(c.contract_id, x.contract_id);
    assert.equal(c.value_yuan, yuan(x.value_fen, true));
    assert.equal(c.paid_fen, String(x.paid));
    assert.equal(c.period_start, x.period.start);
  });
  await page.focus('#contract-table tbody tr:first-child');
  const firstCt = await page.evaluate(() => document.activeElement.dataset.id);
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.keyboard.press('Enter');
  await ready_('flow');
  const ct = await api('/v1/contracts/' + encodeURIComponent(firstCt));
  assert.equal(await page.textContent('#flow-paid'), yuan(ct.paid));
  // Paid so far / value, carried across the contract's pages.
  for (let p = 1; p * 50 < ct.seqs.length && p < 40; ++p) {
    await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
    await page.click('#flow-next');
    await ready_('flow');
  }
  const ctLast = await page.$$eval('#flow-table tr', (x) => x.slice(1).map((r) => r.cells[4].textContent));
  assert.equal(ctLast[ctLast.length - 1], `${yuan(ct.paid)} / ${yuan(ct.value_fen)}`, `contract ${firstCt}, ${ct.seqs.length} entries`);
  console.log(`money flow: lot of ${longLot.seqs.length} entries over ${flowPages} page(s); contract of ${ct.seqs.length} entries`);

  // Caps.
  await open('#/caps?fiscal_year=2024', 'caps');
  const caps = await api('/v1/reports/caps?fiscal_year=2024');
  assert.equal(await page.$$eval('#caps-table tr', (x) => x.length - 1), 2 * Math.min(50, caps.counties.length));
  await page.waitForSelector('#caps-chart canvas');
  // The table pages by 50 county-years; the second page starts at the 51st.
  assert.ok(caps.counties.length > 50, `the fixture has more than a page of county-years (${caps.counties.length})`);
  await page.evaluate(() => document.querySelector('main').removeAttribute('data-ready'));
  await page.click('#caps-next');
  await ready_('caps');
  assert.match(page.url(), /offset=50/);
  assert.equal(await page.$$eval('#caps-table tr', (x) => x.length - 1), 2 * Math.min(50, caps.counties.length - 50));
  const second = await page.$$eval('#caps-table tr', (x) => x[1].cells[0].textContent);
  assert.ok(second.includes(caps.counties[50].division_code), `${second} is county-year 51 (${caps.counties[50].division_code})`);
  assert.ok(await page.$('#caps-prev'));
  await open('#/caps?fiscal_year=2024', 'caps');
  await shot('08-caps');
  // The caps as they stood at mid-year: the page asks at that as_of and
  // shows what the API answers, which is not today's report.
  const capsThen = await api('/v1/reports/caps?fiscal_year=2024&as_of=2024-06-30');
  assert.notDeepEqual(capsThen.counties, caps.counties, 'the fixture moved the 2024 caps after June');
  await open('#/caps?fiscal_year=2024&as_of=2024-06-30', 'caps');
  assert.match(await page.textContent('main h1'), /2024-06-30/);
  assert.equal(await page.inputValue('#caps-form input[name="as_of"]'), '2024-06-30');
  assert.equal(await page.$$eval('#caps-table tr', (x) => x[1].cells[3].textContent), yuan(capsThen.counties[0].R07.numerator));

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
  // The same report as it stood at mid-year, every part at that as_of.
  await open('#/report?division_code=530102&fiscal_year=2024&as_of=2024-06-30', 'report');
  assert.match(await page.textContent('#report p.muted'), /2024-06-30/);
  assert.equal(await page.inputValue('#report-form input[name="as_of"]'), '2024-06-30');
  await open('#/report?division_code=530102&fiscal_year=2024', 'report');
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

  assert.equal(encodings['/console/echarts.min.js'], 'gzip', JSON.stringify(encodings));
  assert.equal(encodings['/console/app.js'], 'gzip');
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
