/**
 * The dashboard's one page: self-contained HTML, CSS and script (the machines
 * it runs on may have no internet, so nothing comes from a CDN). The script
 * polls `api/status` once a second and redraws a few tables; every value goes
 * in through `textContent`, never as markup (task keys and error messages come
 * from users).
 */
import { createHash } from 'node:crypto';

/** The page's script; its hash goes into the Content-Security-Policy. */
export const PAGE_SCRIPT = String.raw`
'use strict';
const $ = (id) => document.getElementById(id);
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') e.className = v; else if (k === 'style') e.setAttribute('style', v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function bytes(n) {
  if (!(n > 0)) return '0 B';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  const i = Math.min(u.length - 1, Math.floor(Math.log(n) / Math.log(1024)));
  return (n / 1024 ** i).toFixed(i === 0 ? 0 : 1) + ' ' + u[i];
}
function age(ms) {
  if (ms < 0) return '-';
  return ms < 10000 ? (ms / 1000).toFixed(1) + ' s' : Math.round(ms / 1000) + ' s';
}
function duration(ms) {
  const s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h > 0 ? h + ' h ' : '') + (h > 0 || m > 0 ? m + ' min ' : '') + (s % 60) + ' s';
}
function bar(parts, total) {
  const b = el('div', { class: 'bar' });
  for (const [n, cls] of parts) {
    if (total > 0 && n > 0) b.append(el('span', { class: cls, style: 'width:' + Math.min(100, (100 * n) / total).toFixed(2) + '%' }));
  }
  return b;
}
function table(body, headers, rows, empty) {
  const t = $(body);
  t.replaceChildren();
  if (rows.length === 0) {
    t.append(el('tr', {}, el('td', { colspan: String(headers), class: 'empty' }, empty)));
    return;
  }
  for (const r of rows) t.append(el('tr', {}, ...r.map((c) => (c instanceof Node && c.nodeName === 'TD' ? c : el('td', {}, c)))));
}
function sparkline(history) {
  const svg = $('spark');
  if (history.length === 1) history = [history[0], history[0]];
  const w = 240, h = 36, n = history.length;
  const max = Math.max(1, ...history);
  const pts = history.map((v, i) => ((n <= 1 ? w : (i * w) / (n - 1)).toFixed(1) + ',' + (h - 2 - ((h - 4) * v) / max).toFixed(1))).join(' ');
  svg.replaceChildren();
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', pts);
  svg.append(line);
  $('spark-max').textContent = 'max ' + max + '/s';
}
function render(s) {
  $('scheduler').textContent = s.schedulerId;
  $('uptime').textContent = duration(s.uptimeMs);
  $('rate').textContent = s.throughput.perSecond.toFixed(s.throughput.perSecond < 10 ? 1 : 0);
  $('finished').textContent = s.throughput.finished;
  $('erred').textContent = s.throughput.erred;
  sparkline(s.throughput.history);
  const threads = s.workers.reduce((a, w) => a + w.nthreads, 0);
  $('nworkers').textContent = s.workers.length + ' worker(s), ' + threads + ' thread(s)';
  const states = ['waiting', 'ready', 'processing', 'memory', 'erred', 'released'];
  const counts = $('counts');
  counts.replaceChildren(...states.map((k) => el('div', { class: 'count ' + k }, el('b', {}, s.tasks[k]), el('span', {}, k))),
    el('div', { class: 'count' }, el('b', {}, s.tasks.total), el('span', {}, 'total')));
  table('clients', 4, s.clients.map((c) => [
    c.id,
    el('td', { class: 'wide' }, bar([[c.finished, 'done'], [c.erred, 'err'], [c.processing, 'run']], c.total)),
    (c.finished + c.erred) + ' / ' + c.total + (c.erred > 0 ? ' (' + c.erred + ' erred)' : ''),
    c.processing + ' running, ' + c.waiting + ' waiting',
  ]), 'no client has sent work yet');
  table('workers', 10, s.workers.map((w) => [
    w.id, w.nthreads,
    el('td', { class: 'wide' }, bar([[w.memory, w.memory > 0.8 * w.memoryLimit ? 'err' : 'done']], w.memoryLimit), bytes(w.memory) + ' / ' + bytes(w.memoryLimit)),
    bytes(w.spilled), w.executing, w.queued, w.processing, w.keys,
    el('td', { class: w.paused ? 'paused' : '' }, w.paused ? 'paused' : 'running'),
    el('td', { class: w.lastSeenMs > 5000 ? 'late' : '' }, age(w.lastSeenMs)),
  ]), 'no workers');
  table('errors', 4, s.errors.map((e) => [e.key, e.errorType, el('td', { class: 'msg' }, e.message), e.workerId || '-']), 'no errors');
}
let failures = 0;
async function tick() {
  try {
    const r = await fetch('api/status', { cache: 'no-store' });
    if (!r.ok) throw new Error('HTTP ' + r.status);
    render(await r.json());
    failures = 0;
    $('state').textContent = 'live, updated ' + new Date().toLocaleTimeString();
    $('state').className = 'ok';
  } catch (err) {
    failures++;
    $('state').textContent = 'scheduler unreachable (' + err.message + ')';
    $('state').className = 'down';
  }
  setTimeout(tick, failures > 5 ? 5000 : 1000);
}
tick();
`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
h1 { font-size: 1.3em; margin: 0 0 .2em; } h2 { font-size: 1.05em; margin: 1.4em 0 .4em; }
.sub { color: #666; } code { font-size: .95em; }
#state.ok { color: #2a7a2a; } #state.down { color: #b00; font-weight: bold; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #e4e4e4; vertical-align: middle; }
th { background: #f0f0f0; font-weight: 600; } td.empty { color: #888; font-style: italic; }
td.wide { width: 30%; min-width: 12em; } td.msg { font-family: monospace; white-space: pre-wrap; word-break: break-word; }
td.paused, td.late { color: #b00; font-weight: 600; }
.bar { display: flex; height: .9em; background: #e8e8e8; border-radius: 2px; overflow: hidden; min-width: 8em; }
.bar span { display: block; height: 100%; } .bar .done { background: #3c8dbc; } .bar .err { background: #d9534f; } .bar .run { background: #9cc8e3; }
.counts { display: flex; gap: .6em; flex-wrap: wrap; }
.count { background: #fff; border: 1px solid #e4e4e4; padding: .3em .8em; min-width: 5em; }
.count b { display: block; font-size: 1.3em; } .count span { color: #666; }
.count.erred b { color: #b00; } .count.processing b { color: #3c8dbc; }
.rate { display: flex; gap: 1.5em; align-items: center; }
#spark { width: 240px; height: 36px; background: #fff; border: 1px solid #e4e4e4; }
#spark polyline { fill: none; stroke: #3c8dbc; stroke-width: 1.5; }
`;

/** The script's hash for `script-src` (inline scripts need one under a strict policy). */
export const PAGE_SCRIPT_HASH = `sha256-${createHash('sha256').update(PAGE_SCRIPT).digest('base64')}`;

/** The dashboard page. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shoal dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<h1>shoal</h1>
<div class="sub">scheduler <code id="scheduler">…</code> · up <span id="uptime">…</span> · <span id="nworkers">…</span> · <span id="state">connecting…</span></div>

<h2>Throughput</h2>
<div class="rate">
  <div class="count"><b id="rate">0</b><span>tasks/s (last 10 s)</span></div>
  <div class="count"><b id="finished">0</b><span>finished</span></div>
  <div class="count erred"><b id="erred">0</b><span>failed</span></div>
  <div><svg id="spark" viewBox="0 0 240 36" preserveAspectRatio="none"></svg><div class="sub">tasks per second, last minute · <span id="spark-max"></span></div></div>
</div>

<h2>Tasks by state</h2>
<div class="counts" id="counts"></div>

<h2>Work per client</h2>
<table><thead><tr><th>client</th><th>progress</th><th>done / total</th><th>now</th></tr></thead><tbody id="clients"></tbody></table>

<h2>Workers</h2>
<table><thead><tr><th>worker</th><th>threads</th><th>memory used / limit</th><th>spilled</th><th>executing</th><th>queued</th><th>assigned</th><th>keys held</th><th>state</th><th>last heard</th></tr></thead><tbody id="workers"></tbody></table>

<h2>Recent errors</h2>
<table><thead><tr><th>key</th><th>type</th><th>message</th><th>worker</th></tr></thead><tbody id="errors"></tbody></table>

<p class="sub">Data: <a href="api/status"><code>api/status</code></a> (JSON), refreshed every second.</p>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
