// fundledger console: a single page over the read API (docs/openapi.json).
// zh-CN first, English as a switch; amounts are integer fen turned into yuan
// with BigInt and string arithmetic only; the read token lives in
// sessionStorage and goes nowhere but the Authorization header.
'use strict';
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const main = $('#main');
  const T = {
    zh: {
      brand: '福利资金审计账本', signout: '退出', lang: 'English',
      overview: '总览', flags: '疑点', flow: '资金流向', caps: '比例上限', verify: '验证', report: '审计报告',
      signin: '登录', token: '只读令牌', signinHelp: '粘贴由管理员用 fundledger token create 生成的只读令牌。令牌只保存在本标签页的会话中。',
      role: '角色', scope: '范围', national: '全国', auditor: '审计', finance: '财政', agency: '机构',
      rule: '规则', severity: '严重程度', division: '行政区划', status: '状态', asOf: '截至日期', amount: '金额（元）',
      subject: '对象', evidence: '证据条目', any: '全部', filter: '筛选', next: '下一页', prev: '上一页', first: '第一页', csv: '下载 CSV',
      total: '合计', count: '数量', bySeverity: '按严重程度', byStatus: '按状态', byRuleDivision: '按规则与区划的疑点数',
      checkpoint: '最新签名检查点', treeSize: '日志条目数', lag: '投影延迟', seconds: '秒', applied: '已应用',
      noFlags: '没有符合条件的疑点。', open: '待处理', confirmed: '已确认', dismissed: '已排除', remediated: '已整改',
      critical: '严重', high: '高', medium: '中', low: '低', info: '提示', provisional: '暂定',
      lot: '资金批次', contract: '合同', fund: '资金', year: '年度', show: '显示', seq: '序号', type: '事件类型',
      date: '日期', delta: '变动（元）', runningBalance: '余额（元）', paidSoFar: '累计支付（元）', value: '合同金额（元）',
      treeTitle: '省 → 市 → 县 → 站 资金流向（已接收金额）', received: '已接收', paid: '已支付', balance: '余额',
      numerator: '分子（元）', base: '基数（元）', limit: '上限（元）', headroom: '余量（元）', baseMissing: '基数缺失',
      over: '超限', county: '县', entry: '条目', verifyBtn: '验证', verifyHelp: '在浏览器中用 SHA-256 和 Ed25519 验证条目的包含证明与签名检查点。',
      verified: (n, m, k) => `条目 ${n} 在大小为 ${m} 的日志中，由 ${k} 签名。`,
      failed: '验证失败', reviewHistory: '复核记录', ruleText: '规则说明', drill: '点击单元格下钻', drillNode: '点击节点下钻', print: '打印',
      reportTitle: (d, y) => `${d} ${y} 年度审计报告`, notFound: '未找到', withheld: '超出令牌范围，未显示',
      leafHash: '叶哈希', root: '根哈希', keyName: '签名密钥', loading: '加载中…', error: '错误',
      lots: '资金批次', contracts: '合同', entries: '条', newestFirst: '',
      byMonth: '按月份的疑点数（首个证据条目的日期）', month: '月份', program: '项目', kind: '类别', paid2: '已支付（元）',
      received2: '已接收（元）', balance2: '余额（元）', available: '可用（元）', remaining: '未付（元）', supplier: '供应商',
      method: '采购方式', period: '合同期', noRows: '没有符合条件的记录。', agencyCol: '提交机构', decision: '结论 / 文号', note: '说明',
      noReviews: '尚无复核或例外批准记录。', keysHelp: '列表中可用 ↑ ↓ 选择行，回车打开。', budget: '预算', allocation: '下拨', transfer: '调剂',
      fromThisPage: '自本页起算', capsTop: '用款占上限比例最高的 30 个县（%）', terminated: '已终止', amended: '已变更', pickLot: '选择资金批次', pickContract: '选择合同',
    },
    en: {
      brand: 'Welfare fund audit ledger', signout: 'Sign out', lang: '中文',
      overview: 'Overview', flags: 'Flags', flow: 'Money flow', caps: 'Caps', verify: 'Verify', report: 'Audit report',
      signin: 'Sign in', token: 'Read token', signinHelp: 'Paste a read token made by an administrator with fundledger token create. It is kept only in this tab\'s session.',
      role: 'Role', scope: 'Scope', national: 'national', auditor: 'auditor', finance: 'finance', agency: 'agency',
      rule: 'Rule', severity: 'Severity', division: 'Division', status: 'Status', asOf: 'As of', amount: 'Amount (yuan)',
      subject: 'Subject', evidence: 'Evidence entries', any: 'any', filter: 'Filter', next: 'Next page', prev: 'Previous page', first: 'First page', csv: 'Download CSV',
      total: 'Total', count: 'Count', bySeverity: 'By severity', byStatus: 'By status', byRuleDivision: 'Flags by rule and division',
      checkpoint: 'Newest signed checkpoint', treeSize: 'Log size', lag: 'Projection lag', seconds: 's', applied: 'applied',
      noFlags: 'No flags match.', open: 'open', confirmed: 'confirmed', dismissed: 'dismissed', remediated: 'remediated',
      critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info', provisional: 'provisional',
      lot: 'Lot', contract: 'Contract', fund: 'Fund', year: 'Year', show: 'Show', seq: 'Seq', type: 'Event type',
      date: 'Date', delta: 'Change (yuan)', runningBalance: 'Balance (yuan)', paidSoFar: 'Paid so far (yuan)', value: 'Contract value (yuan)',
      treeTitle: 'Province → prefecture → county → station (received)', received: 'received', paid: 'paid', balance: 'balance',
      numerator: 'Numerator (yuan)', base: 'Base (yuan)', limit: 'Limit (yuan)', headroom: 'Headroom (yuan)', baseMissing: 'base missing',
      over: 'over', county: 'County', entry: 'Entry', verifyBtn: 'Verify', verifyHelp: 'Checks the entry\'s inclusion proof and the signed checkpoint in this browser (SHA-256, Ed25519).',
      verified: (n, m, k) => `Entry ${n} is in the log of size ${m} signed by ${k}.`,
      failed: 'Verification failed', reviewHistory: 'Review history', ruleText: 'The rule', drill: 'click a cell to drill down', drillNode: 'click a node to drill down', print: 'Print',
      reportTitle: (d, y) => `Audit report: ${d}, ${y}`, notFound: 'not found', withheld: 'outside the token\'s scope, withheld',
      leafHash: 'Leaf hash', root: 'Root hash', keyName: 'Signed by', loading: 'Loading…', error: 'Error',
      lots: 'Lots', contracts: 'Contracts', entries: 'entries', newestFirst: '',
      byMonth: 'Flags by month (date of the first evidence entry)', month: 'Month', program: 'Program', kind: 'Kind', paid2: 'Paid (yuan)',
      received2: 'Received (yuan)', balance2: 'Balance (yuan)', available: 'Available (yuan)', remaining: 'Unpaid (yuan)', supplier: 'Supplier',
      method: 'Procurement', period: 'Period', noRows: 'Nothing matches.', agencyCol: 'Agency', decision: 'Decision / document', note: 'Note',
      noReviews: 'No review or exception approval yet.', keysHelp: 'In a list, ↑ ↓ select a row and Enter opens it.', budget: 'budget', allocation: 'allocation', transfer: 'transfer',
      fromThisPage: 'counted from this page', capsTop: 'The 30 counties nearest their limits (% of limit used)', terminated: 'terminated', amended: 'amended', pickLot: 'Pick a lot', pickContract: 'Pick a contract',
    },
  };
  // The rules in words (docs/rules.md, RULES.md).
  const RULES = {
    R01: ['挪用：支付所用资金批次并未为该用途安排（项目不符、合同未列该批次，或未经批准改变资金用途）', 'Diversion: a payment drew on a lot not funded for it'],
    R02: ['截留/滞留：转拨资金收到后超过期限未下拨，或下拨资金逾期未接收', 'Retention: pass-through money held past the deadline'],
    R03: ['闲置/沉淀：批次未使用余额超过期限未动用', 'Idle funds: an uncommitted balance left unused too long'],
    R04: ['挤占：彩票公益金或救助资金用于人员工资、公务接待等禁止支出，或付给非合同供应商的政府机构', 'Crowding-out: forbidden economic class or a government payee'],
    R05: ['超范围支出：服务类别不在项目允许范围、支付日期在合同期外或站点不在合同内', 'Out-of-scope spending'],
    R06: ['不得购买事项：合同购买了行政职能事项', 'Forbidden purchase: an administrative function bought'],
    R07: ['1% 上限（宿州）：县级购买服务支出超过上年救助资金统筹总额的 1%', 'Suzhou 1% cap on purchased services'],
    R08: ['5% 上限（云南）：县级困难群众救助补助资金用于购买服务超过当年支出的 5%', 'Yunnan 5% cap on purchased services'],
    R09: ['化整为零：同一年度、采购人、项目、品目的非公开招标合同合计超过限额', 'Split procurement'],
    R10: ['分散使用：向目标站点以外付款，或目标站点逾期未达最低金额', 'Fragmented use of targeted money'],
    R11: ['超合同/超预算：付款超过合同金额、批次余额为负或合同资金安排超过可用额', 'Overspend or over-commitment'],
    R12: ['黑名单：与处于惩戒期的供应商签约或付款', 'Sanctioned vendor'],
    R13: ['重复支付：同一发票或同一里程碑重复付款', 'Duplicate payment'],
    R14: ['未预留督导评估经费：社工站运营合同未安排督导、评估或培训', 'No supervision/evaluation reserve'],
    R15: ['不符合发行宗旨：彩票公益金用途不符，或养老占比低于 55%', 'Lottery money off purpose'],
    R16: ['每站不少于 2 万元：新建站点当年建设资金不足', 'Station under-funded (at least 20,000 yuan)'],
    R17: ['合同期限：合同期超过一年且无说明，或超过三年', 'Contract term too long'],
    R18: ['虚报冒领：向未设立或已注销的站点付款或验收，或在合同期前验收', 'Fictitious claim'],
  };
  const EVENT_ZH = {
    'budget.appropriated': '预算下达', 'allocation.issued': '资金下拨', 'allocation.received': '资金接收',
    'funds.recovered': '资金收回', 'funds.transferred': '资金调剂', 'contract.signed': '合同签订',
    'contract.amended': '合同变更', 'contract.terminated': '合同终止', 'milestone.accepted': '里程碑验收',
    'payment.made': '支付', 'payment.reversed': '支付冲销', 'flag.reviewed': '疑点复核', 'exception.approved': '例外批准',
    'station.established': '站点设立', 'station.deregistered': '站点注销', 'evaluation.completed': '评估完成',
  };

  let lang = localStorage.getItem('fl.lang') === 'en' ? 'en' : 'zh';
  let who = null;
  let names = {};
  const t = (k) => T[lang][k] !== undefined ? T[lang][k] : k;
  const esc = (s) => String(s === undefined || s === null ? '' : s).replace(/[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  // Integer fen (a JSON number or string) -> "1,234.56" with BigInt only.
  function yuan(fen, plain) {
    if (fen === null || fen === undefined || fen === '') return '';
    let v = BigInt(typeof fen === 'string' ? fen : String(fen));
    const neg = v < 0n; if (neg) v = -v;
    const whole = (v / 100n).toString(), cents = (v % 100n).toString().padStart(2, '0');
    const grouped = plain ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + grouped + '.' + cents;
  }
  const divName = (code) => names[code] || (code && code.length === 12 ? names[code.slice(0, 9)] : '') || '';
  const divLabel = (code) => code ? (divName(code) ? `${esc(divName(code))} <span class="muted">${esc(code)}</span>` : esc(code)) : '';
  const sev = (s) => `<span class="sev-${esc(s)}">${esc(t(s))}</span>`;

  const token = () => sessionStorage.getItem('fl.token');
  async function api(path, opts) {
    const headers = { Authorization: 'Bearer ' + token() };
    const r = await fetch(path, { headers, ...(opts || {}) });
    if (r.status === 401) { sessionStorage.removeItem('fl.token'); location.hash = '#/signin'; throw new Error('401'); }
    const type = r.headers.get('content-type') || '';
    const body = type.includes('json') ? await r.json() : await r.text();
    if (!r.ok) throw new Error(body && body.detail ? `${r.status} ${body.detail}` : `${r.status}`);
    return body;
  }
  function params() {
    const h = location.hash.replace(/^#/, '');
    const q = h.indexOf('?');
    return { page: (q < 0 ? h : h.slice(0, q)).replace(/^\//, '') || 'overview', q: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
  }
  function go(page, q) {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(q || {})) if (v !== undefined && v !== null && v !== '') s.set(k, v);
    location.hash = '#/' + page + (String(s) ? '?' + s : '');
  }
  // CSV: fetched with the token, saved through a blob link.
  async function download(path, name) {
    const r = await fetch(path, { headers: { Authorization: 'Bearer ' + token() } });
    if (!r.ok) throw new Error(String(r.status));
    const blob = await r.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob); a.download = name; document.body.appendChild(a); a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  // Pages of a list the API answers whole (balances, caps), kept in the
  // URL's offset so a page can be shared. At 1M entries a table of every
  // county-year was 0.3 s of layout before anything else could draw.
  const TABLE_PAGE = 50;
  function tablePage(list, q, page, id) {
    const last = Math.max(0, list.length - 1);
    const from = Math.min(Math.max(0, Math.floor(Number(q.get('offset')) || 0)), last - (last % TABLE_PAGE));
    const to = Math.min(list.length, from + TABLE_PAGE);
    const link = (o) => { const s = new URLSearchParams(q); if (o) s.set('offset', o); else s.delete('offset'); return `#/${page}?${s}`; };
    const nav = list.length <= TABLE_PAGE ? '' : `<p class="pager noprint" id="${id}-pager"><span class="muted">${from + 1}–${to} / ${list.length}</span>
      ${from > 0 ? `<a class="button" id="${id}-prev" href="${link(from - TABLE_PAGE)}">← ${esc(t('prev'))}</a>` : ''}
      ${to < list.length ? `<a class="button" id="${id}-next" href="${link(to)}">${esc(t('next'))} →</a>` : ''}</p>`;
    return { rows: list.slice(from, to), nav };
  }
  // The charts' script (0.6 MB) is loaded only by pages that draw, and in
  // parallel with their API reads (route() starts it), so pages without
  // charts never parse it.
  let chartsLoading = null;
  function loadCharts() {
    if (!chartsLoading) {
      chartsLoading = new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '/console/echarts.min.js';
        s.onload = resolve;
        s.onerror = () => { chartsLoading = null; reject(new Error('charts did not load')); };
        document.head.appendChild(s);
      });
    }
    return chartsLoading;
  }
  async function chart(el, option) {
    await loadCharts();
    if (!window.echarts || !el.isConnected) return null;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    c.setOption(Object.assign({ animation: false }, option));
    return c;
  }

  function renderChrome(page) {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('brand') + ' · fundledger';
    $('.brand').textContent = t('brand');
    $('#lang').textContent = t('lang');
    $('#signout').textContent = t('signout');
    $('#signout').hidden = !token();
    const pages = ['overview', 'flags', 'flow', 'lots', 'contracts', 'caps', 'verify', 'report'];
    $('#nav').innerHTML = token() ? pages.map((p, i) =>
      `<a href="#/${p}" accesskey="${i + 1}"${p === page ? ' aria-current="page"' : ''}>${esc(t(p))}</a>`).join('') : '';
    $('#who').innerHTML = who ? `${esc(t('role'))}: <b id="who-role">${esc(t(who.role))}</b> · ${esc(t('scope'))}: <b id="who-scope">${who.scope ? divLabel(who.scope) : esc(t('national'))}</b>` : '';
    $('#footer').textContent = lang === 'zh'
      ? '金额以分为整数记账，按元显示两位小数。行政区划名称：GB/T 2260（国家统计局 2023 年代码）。'
      : 'Amounts are kept in integer fen and shown in yuan. Division names: GB/T 2260 (NBS codes of 2023).';
  }

  async function signin() {
    main.innerHTML = `<div class="card"><h1>${esc(t('signin'))}</h1><p>${esc(t('signinHelp'))}</p>
      <form id="signin-form"><label for="token-input">${esc(t('token'))}</label>
      <input id="token-input" type="password" autocomplete="off" size="60" required>
      <button class="primary" type="submit">${esc(t('signin'))}</button></form><p id="signin-error" class="error" hidden></p></div>`;
    $('#token-input').focus();
    $('#signin-form').onsubmit = async (e) => {
      e.preventDefault();
      sessionStorage.setItem('fl.token', $('#token-input').value.trim());
      try { await loadWho(); go('overview'); } catch (err) {
        sessionStorage.removeItem('fl.token');
        const p = $('#signin-error'); if (p) { p.hidden = false; p.textContent = t('error') + ': ' + err.message; }
      }
    };
  }
  async function loadWho() {
    who = await api('/v1/whoami');
    const prefix = who.scope ? who.scope.replace(/0+$/, '').slice(0, Math.max(2, who.scope.replace(/0+$/, '').length)) : '';
    const r = await fetch('/console/divisions.json?prefix=' + encodeURIComponent(prefix.length >= 2 ? prefix.slice(0, 2) : ''));
    names = await r.json();
  }

  // ---- overview ----
  async function overview(q) {
    const division = q.get('division') || '';
    const [sum, cp, proj] = await Promise.all([
      api('/v1/reports/flags' + (division ? '?division_code=' + division : '')),
      fetch('/v1/checkpoint').then((r) => r.text()),
      who.role === 'auditor' ? api('/v1/projections').catch(() => null) : Promise.resolve(null),
    ]);
    const lines = cp.split('\n');
    // Every projection shares one worker and one applied seq: show one line.
    const lagRows = (proj && proj.projections ? proj.projections : []).slice(0, 1);
    const here = sum.division_code;
    main.innerHTML = `<h1>${esc(t('overview'))} ${here ? divLabel(here) : esc(t('national'))}</h1>
      ${division ? `<p class="noprint"><a href="#/overview">↑ ${esc(who.scope ? divName(who.scope) || who.scope : t('national'))}</a></p>` : ''}
      <div class="cards">
        <div class="card"><h2>${esc(t('total'))}</h2><p style="font-size:2em;margin:0" id="flag-total">${esc(sum.total)}</p><p class="muted">${esc(t('asOf'))} ${esc(sum.as_of || '')}</p></div>
        <div class="card"><h2>${esc(t('bySeverity'))}</h2><table id="severity-table">${['critical', 'high', 'medium', 'low', 'info'].map((s) =>
          `<tr><td>${sev(s)}</td><td class="num"><a href="#/flags?severity=${s}${division ? '&division_code=' + division : ''}">${esc(sum.by_severity[s] || 0)}</a></td></tr>`).join('')}</table></div>
        <div class="card"><h2>${esc(t('byStatus'))}</h2><table>${Object.entries(sum.by_status).map(([s, n]) => `<tr><td>${esc(t(s))}</td><td class="num">${esc(n)}</td></tr>`).join('')}</table></div>
        <div class="card"><h2>${esc(t('checkpoint'))}</h2><p>${esc(t('treeSize'))}: <b id="tree-size">${esc(lines[1])}</b></p><p class="mono">${esc(lines[2])}</p>
          ${lagRows.length ? lagRows.map((p) => `<p>${esc(t('lag'))}: <b id="lag">${esc(p.lag_entries)}</b> ${esc(t('entries'))} · ${esc((p.lag_ms / 1000).toFixed(1))} ${esc(t('seconds'))}</p><p>${esc(t('applied'))}: ${esc(p.applied_entries)} / ${esc(p.tree_size)}</p>`).join('') : ''}</div>
      </div>
      <div class="card"><h2>${esc(t('byMonth'))}</h2><div id="month-chart" class="chart" style="height:260px"></div>
      <table id="month-table" class="sr-only"><tr><th>${esc(t('month'))}</th><th>${esc(t('count'))}</th></tr>
      ${(sum.by_month || []).map((m) => `<tr><td>${esc(m.month)}</td><td class="num">${esc(m.count)}</td></tr>`).join('')}</table></div>
      <div class="card"><h2>${esc(t('byRuleDivision'))} <span class="muted">(${esc(t('drill'))})</span></h2><div id="heat" class="chart"></div>
      <table id="rule-division-table"></table></div>`;
    const months = sum.by_month || [];
    const monthChart = chart($('#month-chart'), {
      tooltip: { trigger: 'axis' }, grid: { left: 50, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'category', data: months.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('count'), data: months.map((m) => m.count), itemStyle: { color: '#b4232a' } }],
    });
    const rules = [...new Set(sum.by_rule_division.map((r) => r.rule))].sort();
    const divs = [...new Set(sum.by_rule_division.map((r) => r.division_code))].sort();
    const label = (d) => divName(d) || sum.division_names[d] || d;
    const cell = {};
    for (const r of sum.by_rule_division) cell[r.rule + '/' + r.division_code] = r.count;
    $('#rule-division-table').innerHTML = `<tr><th>${esc(t('rule'))}</th>${divs.map((d) => `<th><a href="#/overview?division=${d}">${esc(label(d))}</a></th>`).join('')}</tr>` +
      rules.map((r) => `<tr><th title="${esc(RULES[r][lang === 'zh' ? 0 : 1])}">${esc(r)}</th>${divs.map((d) => {
        const n = cell[r + '/' + d];
        return `<td class="num">${n ? `<a href="#/flags?rule=${r}&division_code=${d}">${n}</a>` : '·'}</td>`;
      }).join('')}</tr>`).join('');
    const data = [];
    rules.forEach((r, y) => divs.forEach((d, x) => { if (cell[r + '/' + d]) data.push([x, y, cell[r + '/' + d]]); }));
    const c = await chart($('#heat'), {
      tooltip: { position: 'top' }, grid: { left: 50, bottom: 90, right: 20, top: 10 },
      xAxis: { type: 'category', data: divs.map(label), axisLabel: { rotate: 40 } },
      yAxis: { type: 'category', data: rules },
      visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d[2])), show: false, inRange: { color: ['#fff5f5', '#c92a2a'] } },
      series: [{ type: 'heatmap', data, label: { show: true } }],
    });
    if (c) c.on('click', (p) => {
      const d = divs[p.data[0]];
      if (d.length === 6 && d.endsWith('00')) go('overview', { division: d }); else go('flags', { rule: rules[p.data[1]], division_code: d });
    });
    await monthChart;
  }

  // ---- flags ----
  const FLAG_FILTERS = ['rule', 'severity', 'division_code', 'status', 'as_of'];
  async function flags(q) {
    const f = {}; for (const k of FLAG_FILTERS) f[k] = q.get(k) || '';
    const cursor = q.get('cursor') || '';
    const s = new URLSearchParams(); for (const k of FLAG_FILTERS) if (f[k]) s.set(k, f[k]);
    s.set('limit', '50'); if (cursor) s.set('cursor', cursor);
    const page = await api('/v1/flags?' + s);
    const opts = (vals, cur) => `<option value="">${esc(t('any'))}</option>` + vals.map((v) => `<option value="${v}"${v === cur ? ' selected' : ''}>${esc(v.startsWith('R') ? v : t(v))}</option>`).join('');
    const ruleList = Object.keys(RULES);
    main.innerHTML = `<h1>${esc(t('flags'))}</h1>
      <form class="filters" id="flag-filters">
        <label>${esc(t('rule'))}<select name="rule">${opts(ruleList, f.rule)}</select></label>
        <label>${esc(t('severity'))}<select name="severity">${opts(['critical', 'high', 'medium', 'low', 'info'], f.severity)}</select></label>
        <label>${esc(t('division'))}<input name="division_code" value="${esc(f.division_code)}" size="12" pattern="[0-9]{6}([0-9]{3})?([0-9]{3})?" list="division-list"></label>
        <label>${esc(t('status'))}<select name="status">${opts(['open', 'confirmed', 'dismissed', 'remediated'], f.status)}</select></label>
        <label>${esc(t('asOf'))}<input name="as_of" type="date" value="${esc(f.as_of)}"></label>
        <button class="primary" type="submit">${esc(t('filter'))}</button>
        <button type="button" id="flags-csv">${esc(t('csv'))}</button>
      </form>
      <datalist id="division-list">${Object.entries(names).filter(([c]) => c.length === 6).slice(0, 400).map(([c, n]) => `<option value="${c}">${esc(n)}</option>`).join('')}</datalist>
      ${page.flags.length ? `<table id="flag-table"><thead><tr><th>${esc(t('rule'))}</th><th>${esc(t('severity'))}</th><th>${esc(t('division'))}</th><th class="num">${esc(t('amount'))}</th><th>${esc(t('subject'))}</th><th>${esc(t('status'))}</th></tr></thead><tbody>
        ${page.flags.map((x) => `<tr data-flag="${esc(x.flag_id)}" data-href="#/flag?id=${esc(x.flag_id)}${f.as_of ? '&amp;as_of=' + esc(f.as_of) : ''}"><td><a href="#/flag?id=${esc(x.flag_id)}${f.as_of ? '&as_of=' + f.as_of : ''}" title="${esc(RULES[x.rule][lang === 'zh' ? 0 : 1])}">${esc(x.rule)}</a></td><td>${sev(x.severity)}</td>
          <td>${divLabel(x.division_code)}</td><td class="num">${yuan(x.amount_fen)}</td><td class="mono">${esc(x.subject)}</td><td>${esc(t(x.status))}${x.provisional ? ' <span class="muted">(' + esc(t('provisional')) + ')</span>' : ''}</td></tr>`).join('')}
      </tbody></table>` : `<p id="no-flags">${esc(t('noFlags'))}</p>`}
      <p class="noprint">${cursor ? `<a class="button" href="#/flags?${new URLSearchParams(Object.entries(f).filter(([, v]) => v))}">${esc(t('first'))}</a> ` : ''}
      ${page.next_cursor ? `<a class="button" id="next-page" href="#/flags?${new URLSearchParams([...Object.entries(f).filter(([, v]) => v), ['cursor', page.next_cursor]])}">${esc(t('next'))} →</a>` : ''}</p>`;
    $('#flag-filters').onsubmit = (e) => {
      e.preventDefault();
      const fd = new FormData(e.target); const o = {}; for (const k of FLAG_FILTERS) o[k] = fd.get(k); go('flags', o);
    };
    $('#flags-csv').onclick = () => { const c = new URLSearchParams(s); c.delete('cursor'); c.set('limit', '1000'); c.set('format', 'csv'); download('/v1/flags?' + c, 'flags.csv'); };
    listKeys($('#flag-table'));
  }

  function eventSummary(ev) {
    const d = ev.data || {};
    const amount = d.amount_fen !== undefined ? d.amount_fen : d.value_fen;
    return `${esc(lang === 'zh' ? (EVENT_ZH[ev.type] || ev.type) : ev.type)} <span class="mono">${esc(d.payment_id || d.allocation_id || d.contract_id || d.flag_id || d.station_id || '')}</span>` +
      (amount !== undefined ? ` · ${yuan(amount)} 元` : '') + (d.division_code || d.to_code ? ' · ' + divLabel(d.division_code || d.to_code) : '');
  }
  async function flag(q) {
    const id = q.get('id');
    const x = await api('/v1/flags/' + encodeURIComponent(id) + (q.get('as_of') ? '?as_of=' + q.get('as_of') : ''));
    main.innerHTML = `<h1>${esc(x.rule)} ${sev(x.severity)} <span class="mono">${esc(x.flag_id)}</span></h1>
      <div class="card"><h2>${esc(t('ruleText'))}</h2><p id="rule-text">${esc(RULES[x.rule][lang === 'zh' ? 0 : 1])}</p>
      <table><tr><th>${esc(t('division'))}</th><td>${divLabel(x.division_code)}</td></tr>
      <tr><th>${esc(t('amount'))}</th><td class="num" id="flag-amount">${yuan(x.amount_fen)}</td></tr>
      <tr><th>${esc(t('subject'))}</th><td class="mono">${esc(x.subject)}</td></tr>
      <tr><th>${esc(t('status'))}</th><td>${esc(t(x.status))}</td></tr><tr><th>${esc(t('asOf'))}</th><td>${esc(x.as_of)}</td></tr></table></div>
      <div class="card"><h2>${esc(t('evidence'))}</h2><table id="evidence-table"><tr><th>${esc(t('seq'))}</th><th>${esc(t('date'))}</th><th>${esc(t('type'))}</th><th></th></tr>
      ${x.entries.map((e) => e.entry ? `<tr><td><a href="#/verify?seq=${e.seq}">${e.seq}</a></td><td>${esc((e.entry.event.occurred_at || '').slice(0, 10))}</td><td>${eventSummary(e.entry.event)}</td>
        <td>${e.entry.event.data && e.entry.event.data.allocation_id ? `<a href="#/flow?lot=${esc(e.entry.event.data.allocation_id)}">${esc(t('flow'))}</a>` : ''}
        ${e.entry.event.data && e.entry.event.data.contract_id ? ` <a href="#/flow?contract=${esc(e.entry.event.data.contract_id)}">${esc(t('contract'))}</a>` : ''}</td></tr>`
        : `<tr><td>${e.seq}</td><td colspan="3" class="muted">${esc(t('withheld'))}</td></tr>`).join('')}</table></div>
      <div class="card" id="review-history"><h2>${esc(t('reviewHistory'))}</h2>${(x.reviews || []).length ? `<table id="review-table">
        <thead><tr><th>${esc(t('seq'))}</th><th>${esc(t('date'))}</th><th>${esc(t('type'))}</th><th>${esc(t('agencyCol'))}</th><th>${esc(t('decision'))}</th><th>${esc(t('note'))}</th></tr></thead><tbody>
        ${x.reviews.map((r) => r.withheld ? `<tr data-seq="${r.seq}"><td>${r.seq}</td><td colspan="5" class="muted">${esc(t('withheld'))}</td></tr>`
          : `<tr data-seq="${r.seq}"><td><a href="#/verify?seq=${r.seq}">${r.seq}</a></td><td>${esc(r.date)}</td><td>${esc(lang === 'zh' ? (EVENT_ZH[r.type] || r.type) : r.type)}</td>
          <td class="mono">${esc(r.agency)}</td><td>${r.status ? esc(t(r.status)) : esc(r.doc_no || '')}</td><td>${esc(r.note || '')}</td></tr>`).join('')}</tbody></table>`
        : `<p class="muted" id="no-reviews">${esc(t('noReviews'))}</p>`}</div>`;
  }

  // ---- lists of lots and contracts (pick one for the money flow) ----
  // Keyboard on lists: one row is in the tab order (roving tabindex);
  // ↑ ↓ Home End move between rows, Enter opens the row's page.
  function listKeys(table) {
    if (!table) return;
    const rows = [...table.querySelectorAll('tbody tr[data-href]')];
    rows.forEach((r, i) => { r.tabIndex = i === 0 ? 0 : -1; });
    table.addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-href]');
      if (tr && !e.target.closest('a')) location.hash = tr.dataset.href;
    });
    table.addEventListener('keydown', (e) => {
      const i = rows.indexOf(document.activeElement);
      if (i < 0) return;
      let j = i;
      if (e.key === 'ArrowDown') j = Math.min(rows.length - 1, i + 1);
      else if (e.key === 'ArrowUp') j = Math.max(0, i - 1);
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = rows.length - 1;
      else if (e.key === 'Enter') { e.preventDefault(); location.hash = rows[i].dataset.href; return; }
      else return;
      e.preventDefault();
      rows[i].tabIndex = -1; rows[j].tabIndex = 0; rows[j].focus();
    });
  }
  const LISTS = {
    lots: {
      path: '/v1/lots', key: 'allocation_id', table: 'lot-table', filters: ['division_code', 'fund', 'program', 'fiscal_year', 'as_of'],
      href: (r) => '#/flow?lot=' + encodeURIComponent(r.allocation_id),
      head: () => ['lot', 'kind', 'division', 'fund', 'year', 'received2', 'paid2', 'balance2', 'available'],
      num: 5,
      cells: (r) => [esc(t(r.kind)), divLabel(r.division_code), `${esc(r.fund)}<br><span class="muted">${esc(r.program)}</span>`, esc(r.fiscal_year),
        yuan(r.received), yuan(r.paid), yuan(r.balance), yuan(r.available)],
    },
    contracts: {
      path: '/v1/contracts', key: 'contract_id', table: 'contract-table', filters: ['division_code', 'program', 'fiscal_year', 'as_of'],
      href: (r) => '#/flow?contract=' + encodeURIComponent(r.contract_id),
      head: () => ['contract', 'division', 'program', 'year', 'supplier', 'period', 'value', 'paid2', 'remaining'],
      num: 6,
      cells: (r) => [divLabel(r.division_code), esc(r.program), esc(r.fiscal_year), `<span class="mono">${esc(r.supplier_uscc)}</span><br><span class="muted">${esc(r.procurement_method)}</span>`,
        `${esc(r.period.start)} – ${esc(r.period.end)}${r.terminated ? ` <span class="bad">${esc(t('terminated'))}</span>` : r.amended ? ` <span class="muted">${esc(t('amended'))}</span>` : ''}`,
        yuan(r.value_fen), yuan(r.paid), yuan(r.remaining)],
    },
  };
  const FILTER_LABEL = { division_code: 'division', fund: 'fund', program: 'program', fiscal_year: 'year', as_of: 'asOf' };
  async function listPage(kind, q) {
    const L = LISTS[kind];
    const f = {}; for (const k of L.filters) f[k] = q.get(k) || '';
    const cursor = q.get('cursor') || '';
    const s = new URLSearchParams(); for (const k of L.filters) if (f[k]) s.set(k, f[k]);
    s.set('limit', '50'); if (cursor) s.set('cursor', cursor);
    const page = await api(L.path + '?' + s);
    const rows = page[kind];
    const input = (k) => k === 'as_of' ? `<input name="as_of" type="date" value="${esc(f.as_of)}">`
      : `<input name="${k}" value="${esc(f[k])}" size="${k === 'fiscal_year' ? 6 : 14}"${k === 'division_code' ? ' list="division-list"' : ''}>`;
    const head = L.head().map((h, i) => `<th${i >= L.num ? ' class="num"' : ''}>${esc(t(h))}</th>`).join('');
    const kept = Object.entries(f).filter(([, v]) => v);
    main.innerHTML = `<h1>${esc(t(kind))} <span class="muted">${esc(t('asOf'))} ${esc(page.as_of)}</span></h1>
      <form class="filters" id="list-filters">${L.filters.map((k) => `<label>${esc(t(FILTER_LABEL[k]))}${input(k)}</label>`).join('')}
        <button class="primary" type="submit">${esc(t('filter'))}</button>
        <button type="button" id="list-csv">${esc(t('csv'))}</button></form>
      <datalist id="division-list">${Object.entries(names).filter(([c]) => c.length === 6).slice(0, 400).map(([c, n]) => `<option value="${c}">${esc(n)}</option>`).join('')}</datalist>
      <p class="muted noprint">${esc(t('keysHelp'))}</p>
      ${rows.length ? `<table id="${L.table}"><thead><tr>${head}</tr></thead><tbody>
        ${rows.map((r) => `<tr data-id="${esc(r[L.key])}" data-href="${esc(L.href(r))}"><td><a class="mono" href="${esc(L.href(r))}">${esc(r[L.key])}</a></td>
          ${L.cells(r).map((c, i) => `<td${i + 1 >= L.num ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
        : `<p id="no-rows">${esc(t('noRows'))}</p>`}
      <p class="noprint">${cursor ? `<a class="button" href="#/${kind}?${new URLSearchParams(kept)}">${esc(t('first'))}</a> ` : ''}
      ${page.next_cursor ? `<a class="button" id="next-page" href="#/${kind}?${new URLSearchParams([...kept, ['cursor', page.next_cursor]])}">${esc(t('next'))} →</a>` : ''}</p>`;
    $('#list-filters').onsubmit = (e) => {
      e.preventDefault();
      const fd = new FormData(e.target); const o = {}; for (const k of L.filters) o[k] = fd.get(k); go(kind, o);
    };
    $('#list-csv').onclick = () => { const c = new URLSearchParams(s); c.delete('cursor'); c.set('limit', '1000'); c.set('format', 'csv'); download(L.path + '?' + c, kind + '.csv'); };
    listKeys($('#' + L.table));
  }
  const lots = (q) => listPage('lots', q);
  const contracts = (q) => listPage('contracts', q);

  // ---- money flow ----
  // Entries per page of a lot's or contract's flow: one request each.
  const FLOW_PAGE = 50;
  const SANKEY_NODES = 60;  // divisions a Sankey labels readably at 14 px each
  function lotDelta(ev, lot) {
    const d = ev.data || {}; const a = BigInt(d.amount_fen || 0);
    switch (ev.type) {
      case 'budget.appropriated': case 'allocation.received': return d.allocation_id === lot ? a : 0n;
      case 'allocation.issued': return d.parent_allocation_id === lot ? -a : 0n;
      case 'funds.transferred': return d.new_allocation_id === lot ? a : d.allocation_id === lot ? -a : 0n;
      case 'funds.recovered': case 'payment.made': return d.allocation_id === lot ? -a : 0n;
      default: return 0n;
    }
  }
  // Entries by seq, six requests in flight at any time (a browser's
  // connections per host), each taking the next seq as one finishes.
  async function entriesOf(seqs) {
    const out = new Array(seqs.length);
    let next = 0;
    const worker = async () => {
      while (next < seqs.length) {
        const i = next++;
        out[i] = await api('/v1/entries/' + seqs[i]).catch(() => ({ seq: seqs[i], entry: null }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(6, seqs.length) }, worker));
    return out;
  }
  async function flow(q) {
    const lot = q.get('lot'), contract = q.get('contract');
    const form = `<form class="filters" id="flow-form">
      <label>${esc(t('lot'))}<input name="lot" value="${esc(lot || '')}"></label>
      <label>${esc(t('contract'))}<input name="contract" value="${esc(contract || '')}"></label>
      <label>${esc(t('division'))}<input name="division" value="${esc(q.get('division') || (who.scope || ''))}" size="12"></label>
      <label>${esc(t('fund'))}<input name="fund" value="${esc(q.get('fund') || '')}"></label>
      <label>${esc(t('year'))}<input name="year" value="${esc(q.get('year') || '')}" size="6"></label>
      <button class="primary" type="submit">${esc(t('show'))}</button>
      <a class="button" id="pick-lot" href="#/lots${q.get('division') ? '?division_code=' + esc(q.get('division')) : ''}">${esc(t('pickLot'))}</a>
      <a class="button" id="pick-contract" href="#/contracts${q.get('division') ? '?division_code=' + esc(q.get('division')) : ''}">${esc(t('pickContract'))}</a></form>`;
    if (lot || contract) {
      const obj = await api(lot ? '/v1/lots/' + encodeURIComponent(lot) : '/v1/contracts/' + encodeURIComponent(contract));
      const offset = Number(q.get('offset') || 0);
      const seqs = obj.seqs.slice(offset, offset + FLOW_PAGE);
      const rows = await entriesOf(seqs);
      // Running figures start at 0 with the first entry; a later page gets
      // them from the page before it through its "next" link.
      const carried = (k) => (/^-?[0-9]{1,20}$/.test(q.get(k) || '') ? BigInt(q.get(k)) : null);
      const known = offset === 0 || (lot ? carried('run') !== null : carried('paid') !== null && carried('value') !== null);
      let run = carried('run') || 0n; let paid = carried('paid') || 0n; let value = carried('value') || 0n;
      const body = rows.map((r) => {
        if (!r.entry) return `<tr><td>${r.seq}</td><td colspan="4" class="muted">${esc(t('withheld'))}</td></tr>`;
        const ev = r.entry.event; const d = ev.data || {};
        let delta = 0n, col = '';
        if (lot) { delta = lotDelta(ev, lot); run += delta; col = yuan(run.toString()); } else {
          if (ev.type === 'contract.signed') value = BigInt(d.value_fen);
          if (ev.type === 'contract.amended' && d.value_delta_fen !== undefined) value += BigInt(d.value_delta_fen);
          if (ev.type === 'payment.made' && d.contract_id === contract) { delta = BigInt(d.amount_fen); paid += delta; }
          col = yuan(paid.toString()) + ' / ' + yuan(value.toString());
        }
        return `<tr><td><a href="#/verify?seq=${r.seq}">${r.seq}</a></td><td>${esc((ev.occurred_at || '').slice(0, 10))}</td><td>${eventSummary(ev)}</td><td class="num">${delta ? yuan(delta.toString()) : ''}</td><td class="num">${col}</td></tr>`;
      }).join('');
      main.innerHTML = `<h1>${esc(t('flow'))}: ${esc(lot ? t('lot') : t('contract'))} <span class="mono">${esc(lot || contract)}</span></h1>${form}
        <div class="card"><p>${divLabel(obj.division_code)} · ${esc(obj.fund || obj.program || '')} ${esc(obj.fiscal_year || '')}</p>
        <p>${lot ? `${esc(t('received'))} ${yuan(obj.received)} · ${esc(t('paid'))} ${yuan(obj.paid)} · ${esc(t('balance'))} <b id="flow-balance">${yuan(obj.balance)}</b>` : `${esc(t('value'))} ${yuan(obj.value_fen)} · ${esc(t('paid'))} <b id="flow-paid">${yuan(obj.paid)}</b>`}</p>
        ${obj.parent_allocation_id ? `<p>↑ <a href="#/flow?lot=${esc(obj.parent_allocation_id)}">${esc(obj.parent_allocation_id)}</a></p>` : ''}</div>
        <table id="flow-table"><tr><th>${esc(t('seq'))}</th><th>${esc(t('date'))}</th><th>${esc(t('type'))}</th><th class="num">${esc(t('delta'))}</th><th class="num">${esc(lot ? t('runningBalance') : t('paidSoFar') + ' / ' + t('value'))}${known ? '' : ` <span class="muted">(${esc(t('fromThisPage'))})</span>`}</th></tr>${body}</table>
        ${obj.seqs.length > offset + FLOW_PAGE ? `<a class="button" id="flow-next" href="#/flow?${lot ? 'lot=' + encodeURIComponent(lot) + '&run=' + run : 'contract=' + encodeURIComponent(contract) + '&paid=' + paid + '&value=' + value}&offset=${offset + FLOW_PAGE}">${esc(t('next'))}</a>` : ''}`;
    } else {
      const division = q.get('division') || who.scope || '';
      const s = new URLSearchParams(); if (division) s.set('division_code', division);
      if (q.get('fund')) s.set('fund', q.get('fund')); if (q.get('year')) s.set('fiscal_year', q.get('year'));
      const b = await api('/v1/balances?' + s);
      const table = tablePage(b.balances, q, 'flow', 'balance');
      // Sum received per division, then link each division to its parent
      // level. Two levels below the division shown (province -> prefecture
      // -> county; a county's townships and village rooms when a county is
      // shown) while that is at most SANKEY_NODES divisions, else one: a
      // province's 20,000 stations would be no chart at all, and its 129
      // counties were a 2,000 px chart that took 0.3 s more to draw on a
      // cold load at 1M entries. A node drills down; the table lists all.
      const level = (c) => c.length === 12 ? 4 : c.length === 9 ? 3 : c.endsWith('0000') ? 0 : c.endsWith('00') ? 1 : 2;
      const shown = division ? level(division) : -1;
      const within = (d) => new Set(b.balances.map((r) => r.division_code).filter((c) => level(c) > shown && level(c) <= d)).size;
      const deepest = within(shown + 2) <= SANKEY_NODES ? shown + 2 : shown + 1;
      const recv = {};
      for (const r of b.balances) {
        if (level(r.division_code) <= deepest) recv[r.division_code] = (recv[r.division_code] || 0n) + BigInt(r.received);
      }
      const parentOf = (c) => c.length === 12 ? c.slice(0, 9) : c.length === 9 ? c.slice(0, 6) : c.endsWith('0000') ? null : c.endsWith('00') ? c.slice(0, 2) + '0000' : c.slice(0, 4) + '00';
      const nodes = new Set(), links = [];
      const total = {};
      for (const [c, v] of Object.entries(recv)) {
        for (let x = c; x; x = parentOf(x)) { total[x] = (total[x] || 0n) + (x === c ? 0n : v); }
      }
      for (const [c, v] of Object.entries(recv)) {
        const p = parentOf(c); if (!p || v === 0n) continue;
        nodes.add(p); nodes.add(c); links.push({ source: divName(p) || p, target: divName(c) || c, value: Number(v / 100n) });
      }
      main.innerHTML = `<h1>${esc(t('flow'))}</h1>${form}<div class="card"><h2>${esc(t('treeTitle'))} <span class="muted">(${esc(t('drillNode'))})</span></h2><div id="sankey" class="chart" style="height:${Math.max(400, nodes.size * 14)}px"></div></div>
        <table id="balance-table"><tr><th>${esc(t('division'))}</th><th>${esc(t('fund'))}</th><th>${esc(t('year'))}</th><th class="num">${esc(t('received'))}</th><th class="num">${esc(t('paid'))}</th><th class="num">${esc(t('balance'))}</th></tr>
        ${table.rows.map((r) => `<tr><td>${divLabel(r.division_code)}</td><td>${esc(r.fund)}<br><span class="muted">${esc(r.program)}</span></td><td>${esc(r.fiscal_year)}</td><td class="num">${yuan(r.received)}</td><td class="num">${yuan(r.paid)}</td><td class="num">${yuan(r.balance)}</td></tr>`).join('')}</table>${table.nav}
        <button type="button" id="balances-csv">${esc(t('csv'))}</button>`;
      $('#balances-csv').onclick = () => { const c = new URLSearchParams(s); c.set('format', 'csv'); download('/v1/balances?' + c, 'balances.csv'); };
      // The chart's values are whole yuan for drawing only; the table keeps fen.
      const codeOf = {}; for (const c of nodes) codeOf[divName(c) || c] = c;
      const sankey = await chart($('#sankey'), { tooltip: {}, series: [{ type: 'sankey', data: [...nodes].map((c) => ({ name: divName(c) || c })), links, emphasis: { focus: 'adjacency' }, nodeGap: 4, label: { fontSize: 11 } }] });
      // A division's node drills down to it.
      if (sankey) sankey.on('click', (p) => { if (p.dataType === 'node' && codeOf[p.name] && codeOf[p.name] !== division) go('flow', { division: codeOf[p.name] }); });
    }
    $('#flow-form').onsubmit = (e) => { e.preventDefault(); const fd = new FormData(e.target); go('flow', Object.fromEntries(fd)); };
  }

  // ---- caps ----
  const CAPS_CHARTED = 30;
  async function caps(q) {
    const s = new URLSearchParams(); if (q.get('division_code')) s.set('division_code', q.get('division_code')); if (q.get('fiscal_year')) s.set('fiscal_year', q.get('fiscal_year'));
    // Headroom as it stood at an earlier date (e.g. a year's end).
    if (q.get('as_of')) s.set('as_of', q.get('as_of'));
    const c = await api('/v1/reports/caps?' + s);
    const { rows, nav } = tablePage(c.counties, q, 'caps', 'caps');
    main.innerHTML = `<h1>${esc(t('caps'))} <span class="muted">${esc(t('asOf'))} ${esc(c.as_of)}</span></h1>
      <form class="filters" id="caps-form"><label>${esc(t('division'))}<input name="division_code" value="${esc(q.get('division_code') || '')}"></label>
      <label>${esc(t('year'))}<input name="fiscal_year" value="${esc(q.get('fiscal_year') || '')}" size="6"></label>
      <label>${esc(t('asOf'))}<input name="as_of" type="date" value="${esc(q.get('as_of') || '')}"></label><button class="primary" type="submit">${esc(t('filter'))}</button>
      <button type="button" id="caps-csv">${esc(t('csv'))}</button></form>
      <div class="card"><h2>${esc(t('capsTop'))}</h2><div id="caps-chart" class="chart" style="height:${Math.max(300, Math.min(c.counties.length, CAPS_CHARTED) * 22 + 60)}px"></div></div>
      <table id="caps-table"><tr><th>${esc(t('county'))}</th><th>${esc(t('year'))}</th><th>${esc(t('rule'))}</th><th class="num">${esc(t('numerator'))}</th><th class="num">${esc(t('base'))}</th><th class="num">${esc(t('limit'))}</th><th class="num">${esc(t('headroom'))}</th></tr>
      ${rows.map((r) => ['R07', 'R08'].map((k) => `<tr><td>${divLabel(r.division_code)}</td><td>${esc(r.fiscal_year)}</td><td>${k}</td><td class="num">${yuan(r[k].numerator)}</td>
        <td class="num">${r[k].base_missing ? `<span class="bad">${esc(t('baseMissing'))}</span>` : yuan(r[k].base)}</td><td class="num">${yuan(r[k].limit)}</td>
        <td class="num${r[k].over ? ' bad' : ''}">${yuan(r[k].headroom)}${r[k].over ? ' ' + esc(t('over')) : ''}${r[k].provisional ? ' <span class="muted">(' + esc(t('provisional')) + ')</span>' : ''}</td></tr>`).join('')).join('')}</table>${nav}`;
    $('#caps-form').onsubmit = (e) => { e.preventDefault(); go('caps', Object.fromEntries(new FormData(e.target))); };
    $('#caps-csv').onclick = () => { const x = new URLSearchParams(s); x.set('format', 'csv'); download('/v1/reports/caps?' + x, 'caps.csv'); };
    // Bars in basis points of the limit used (numerator / limit), integer math.
    const used = (x) => x.limit ? Number(BigInt(x.numerator) * 10000n / BigInt(Math.max(1, x.limit))) / 100 : null;
    // The counties nearest their limits (or over them) are charted; the
    // table lists them all. A chart of every county at 1M entries was a
    // canvas thousands of pixels high.
    const charted = c.counties.map((r) => [r, Math.max(used(r.R07) || 0, used(r.R08) || 0)])
      .sort((a, b) => b[1] - a[1]).slice(0, CAPS_CHARTED).map(([r]) => r).reverse();
    await chart($('#caps-chart'), {
      tooltip: {}, legend: { data: ['R07 %', 'R08 %'] }, grid: { left: 140, right: 30 },
      xAxis: { type: 'value', name: '% of limit' },
      yAxis: { type: 'category', data: charted.map((r) => (divName(r.division_code) || r.division_code) + ' ' + r.fiscal_year) },
      series: ['R07', 'R08'].map((k) => ({ name: k + ' %', type: 'bar', data: charted.map((r) => used(r[k])), markLine: { data: [{ xAxis: 100 }], symbol: 'none' } })),
    });
  }

  // ---- verify (RFC 9162 inclusion, C2SP signed note) ----
  const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (s) => new Uint8Array(s.match(/../g).map((x) => parseInt(x, 16)));
  const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const utf8 = (s) => new TextEncoder().encode(s);
  const cat = (...a) => { const o = new Uint8Array(a.reduce((n, x) => n + x.length, 0)); let i = 0; for (const x of a) { o.set(x, i); i += x.length; } return o; };
  const sha = async (b) => new Uint8Array(await crypto.subtle.digest('SHA-256', b));
  // RFC 8785 for the stored entry (strings, integers, booleans, objects, arrays).
  function jcs(v) {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return '[' + v.map(jcs).join(',') + ']';
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + jcs(v[k])).join(',') + '}';
  }
  async function rootFromInclusion(index, size, leaf, proof) {
    // RFC 9162 section 2.1.3.2.
    if (index >= size) throw new Error('leaf_index >= tree_size');
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) throw new Error('proof too long');
      if (fn % 2 === 1 || fn === sn) {
        r = await sha(cat(new Uint8Array([1]), p, r));
        if (fn % 2 === 0) { do { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } while (fn % 2 === 0 && fn !== 0); }
      } else {
        r = await sha(cat(new Uint8Array([1]), r, p));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error('proof too short');
    return r;
  }
  async function checkNote(note, vkey) {
    // name+hash+base64: the base64 itself may hold '+', so split twice only.
    const i = vkey.indexOf('+'), j = vkey.indexOf('+', i + 1);
    if (i < 0 || j < 0) throw new Error('malformed verifier key');
    const name = vkey.slice(0, i), keyHash = vkey.slice(i + 1, j), keyB64 = vkey.slice(j + 1);
    const raw = unb64(keyB64);
    if (raw[0] !== 1 || raw.length !== 33) throw new Error('verifier key is not Ed25519');
    const split = note.indexOf('\n\n');
    const body = note.slice(0, split + 1);
    const sigLine = note.slice(split + 2).split('\n').find((l) => l.startsWith('\u2014 ' + name + ' '));
    if (!sigLine) throw new Error('no signature by ' + name);
    const sig = unb64(sigLine.split(' ')[2]);
    if (hex(sig.slice(0, 4)) !== keyHash) throw new Error('key hash mismatch');
    const key = await crypto.subtle.importKey('raw', raw.slice(1), { name: 'Ed25519' }, false, ['verify']);
    if (!await crypto.subtle.verify({ name: 'Ed25519' }, key, sig.slice(4), utf8(body))) throw new Error('checkpoint signature does not verify');
    const lines = body.split('\n');
    return { origin: lines[0], size: Number(lines[1]), root: unb64(lines[2]), name };
  }
  async function verify(q) {
    const seq = q.get('seq') || '';
    main.innerHTML = `<h1>${esc(t('verify'))}</h1><p>${esc(t('verifyHelp'))}</p>
      <form class="filters" id="verify-form"><label>${esc(t('entry'))}<input name="seq" id="verify-seq" value="${esc(seq)}" inputmode="numeric" pattern="[0-9]+" required></label>
      <button class="primary" type="submit">${esc(t('verifyBtn'))}</button></form><div id="verify-result"></div>`;
    $('#verify-form').onsubmit = (e) => { e.preventDefault(); go('verify', { seq: $('#verify-seq').value }); };
    if (!seq) return;
    const out = $('#verify-result');
    try {
      const [ledger, note, entry] = await Promise.all([fetch('/v1/ledger').then((r) => r.json()), fetch('/v1/checkpoint').then((r) => r.text()), api('/v1/entries/' + seq)]);
      const cp = await checkNote(note, ledger.verifier_key);
      const leaf = await sha(cat(new Uint8Array([0]), utf8(jcs(entry.entry))));
      if (hex(leaf) !== entry.leaf_hash) throw new Error('leaf hash of the entry does not match');
      const proof = await fetch(`/v1/proofs/inclusion?seq=${seq}&tree_size=${cp.size}`).then((r) => r.json());
      if (proof.leaf_index !== Number(seq) || proof.tree_size !== cp.size) throw new Error('proof is for another leaf or size');
      const root = await rootFromInclusion(Number(seq), cp.size, leaf, proof.hashes.map(unhex));
      if (hex(root) !== hex(cp.root)) throw new Error('inclusion proof does not lead to the signed root');
      out.innerHTML = `<div class="card"><p class="ok" id="verify-ok">✔ ${esc(t('verified')(seq, cp.size, cp.name))}</p>
        <table><tr><th>${esc(t('leafHash'))}</th><td class="mono">${hex(leaf)}</td></tr><tr><th>${esc(t('root'))}</th><td class="mono">${hex(root)}</td></tr>
        <tr><th>${esc(t('keyName'))}</th><td class="mono">${esc(ledger.verifier_key)}</td></tr><tr><th>${esc(t('type'))}</th><td>${eventSummary(entry.entry.event)}</td></tr></table></div>`;
    } catch (err) {
      out.innerHTML = `<p class="error" id="verify-fail">✘ ${esc(t('failed'))}: ${esc(err.message)}</p>`;
    }
  }

  // ---- printable county-year audit report ----
  async function report(q) {
    const d = q.get('division_code') || who.scope || '';
    const y = q.get('fiscal_year') || '';
    const a = q.get('as_of') || '';
    const form = `<form class="filters" id="report-form"><label>${esc(t('division'))}<input name="division_code" value="${esc(d)}"></label>
      <label>${esc(t('year'))}<input name="fiscal_year" value="${esc(y)}" size="6"></label>
      <label>${esc(t('asOf'))}<input name="as_of" type="date" value="${esc(a)}"></label><button class="primary" type="submit">${esc(t('show'))}</button>
      <button type="button" onclick="window.print()">${esc(t('print'))}</button></form>`;
    const s = new URLSearchParams(); if (d) s.set('division_code', d); if (y) s.set('fiscal_year', y);
    const fs = new URLSearchParams(); if (d) fs.set('division_code', d); fs.set('limit', '200');
    // Balances, caps and flags all as they stood at as_of (a year-end report).
    if (a) { s.set('as_of', a); fs.set('as_of', a); }
    const [b, c, f] = await Promise.all([api('/v1/balances?' + s), api('/v1/reports/caps?' + s), api('/v1/flags?' + fs)]);
    main.innerHTML = `${form}<article id="report"><h1>${esc(t('reportTitle')(divName(d) || d || t('national'), y || ''))}</h1>
      <p class="muted">${esc(t('asOf'))} ${esc(c.as_of)} · ${d ? esc(d) : ''}</p>
      <h2>${esc(t('balance'))}</h2><table><tr><th>${esc(t('division'))}</th><th>${esc(t('fund'))}</th><th>${esc(t('year'))}</th><th class="num">${esc(t('received'))}</th><th class="num">${esc(t('paid'))}</th><th class="num">${esc(t('balance'))}</th></tr>
      ${b.balances.slice(0, 200).map((r) => `<tr><td>${divLabel(r.division_code)}</td><td>${esc(r.fund)} ${esc(r.program)}</td><td>${esc(r.fiscal_year)}</td><td class="num">${yuan(r.received)}</td><td class="num">${yuan(r.paid)}</td><td class="num">${yuan(r.balance)}</td></tr>`).join('')}</table>
      <h2>${esc(t('caps'))}</h2><table><tr><th>${esc(t('county'))}</th><th>${esc(t('year'))}</th><th>${esc(t('rule'))}</th><th class="num">${esc(t('numerator'))}</th><th class="num">${esc(t('limit'))}</th><th class="num">${esc(t('headroom'))}</th></tr>
      ${c.counties.slice(0, 200).map((r) => ['R07', 'R08'].map((k) => `<tr><td>${divLabel(r.division_code)}</td><td>${esc(r.fiscal_year)}</td><td>${k}</td><td class="num">${yuan(r[k].numerator)}</td><td class="num">${r[k].base_missing ? esc(t('baseMissing')) : yuan(r[k].limit)}</td><td class="num">${yuan(r[k].headroom)}</td></tr>`).join('')).join('')}</table>
      <h2>${esc(t('flags'))}</h2><table><tr><th>${esc(t('rule'))}</th><th>${esc(t('severity'))}</th><th>${esc(t('division'))}</th><th class="num">${esc(t('amount'))}</th><th>${esc(t('subject'))}</th><th>${esc(t('status'))}</th></tr>
      ${f.flags.map((x) => `<tr><td>${esc(x.rule)} ${esc(RULES[x.rule][lang === 'zh' ? 0 : 1].split('：')[0])}</td><td>${esc(t(x.severity))}</td><td>${divLabel(x.division_code)}</td><td class="num">${yuan(x.amount_fen)}</td><td class="mono">${esc(x.subject)}</td><td>${esc(t(x.status))}</td></tr>`).join('')}</table></article>`;
    $('#report-form').onsubmit = (e) => { e.preventDefault(); go('report', Object.fromEntries(new FormData(e.target))); };
  }

  const PAGES = { overview, flags, flag, flow, lots, contracts, caps, verify, report, signin };
  async function route() {
    const { page, q } = params();
    if (!token() && page !== 'signin') { location.hash = '#/signin'; return; }
    // Pages that draw fetch the charts' script while the token's role and
    // their data come.
    if (token() && ['overview', 'flow', 'caps'].includes(page) && !(page === 'flow' && (q.get('lot') || q.get('contract')))) loadCharts().catch(() => {});
    try {
      if (token() && !who) await loadWho();
    } catch (e) { return; }
    main.removeAttribute('data-ready');  // set again once this page is drawn
    renderChrome(page === 'flag' ? 'flags' : page);
    main.innerHTML = `<p class="muted">${esc(t('loading'))}</p>`;
    try { await (PAGES[page] || overview)(q); } catch (err) {
      if (err.message !== '401') main.innerHTML = `<p class="error" id="page-error">${esc(t('error'))}: ${esc(err.message)}</p>`;
    }
    // Drawn means painted: wait for the frame that shows the page, then
    // mark the time (tests/console/page_timings.mjs reads the mark).
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    performance.mark('fl-ready:' + page);
    main.setAttribute('data-ready', page);
  }
  $('#lang').onclick = () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('fl.lang', lang); route(); };
  $('#signout').onclick = () => { sessionStorage.removeItem('fl.token'); who = null; location.hash = '#/signin'; };
  window.addEventListener('hashchange', route);
  window.flConsole = { yuan };
  route();
})();
