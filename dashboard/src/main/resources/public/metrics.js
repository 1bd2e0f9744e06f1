// Tally dashboard, metrics tab: every alert's latest state (firing first), and the series of a metric
// whose labels match, as a chart of one aggregate per step and a table of their latest values.
'use strict';

/** The step of each range: at most a few hundred points per series, whatever the range. */
const M_STEPS = { 60: '1m', 360: '5m', 1440: '15m' };
const M_NAMES_MS = 60000;
let mNamesAt = 0;

function mCell(row, text, cls) {
  const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; row.appendChild(td);
}

function mNumber(v, digits = 6) {
  return v === null || v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** The metric names, from the server's list of series (the job's series index); refreshed each minute. */
async function loadMetricNames() {
  const list = await getJson('/v1/metrics/series');
  const names = [...new Set(list.series.map((s) => s.name))].sort();
  const select = $('m-name');
  const chosen = select.value;
  select.replaceChildren(...names.map((n) => {
    const option = document.createElement('option'); option.value = n; option.textContent = n; return option;
  }));
  if (names.includes(chosen)) select.value = chosen;
  mNamesAt = Date.now();
}

/** Every alert's latest state; resolved and inactive ones stay listed, after the active ones. */
async function refreshAlerts() {
  const body = await getJson('/v1/alerts?state=all');
  const active = body.alerts.filter((a) => a.state === 'FIRING' || a.state === 'PENDING').length;
  $('m-alerts-summary').textContent = `${active} active of ${body.alerts.length}` + (body.complete ? '' : ' (more than listed)');
  $('m-alerts').querySelector('tbody').replaceChildren(...body.alerts.map((a) => {
    const row = document.createElement('tr');
    row.dataset.alert = a.alert + a.labels_key;
    row.dataset.state = a.state;
    row.className = 'alert-' + a.state.toLowerCase();
    const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(', ');
    mCell(row, a.alert); mCell(row, labels); mCell(row, a.state);
    mCell(row, mNumber(a.value), 'num'); mCell(row, mNumber(a.threshold), 'num');
    mCell(row, a.active_since.substring(0, 19).replace('T', ' ') + ' UTC');
    mCell(row, a.updated_at.substring(0, 19).replace('T', ' ') + ' UTC');
    return row;
  }));
}

async function refreshMetrics() {
  try {
    await refreshAlerts();
    if (!$('m-name').value || Date.now() - mNamesAt > M_NAMES_MS) await loadMetricNames();
    const name = $('m-name').value;
    const agg = $('m-agg').value;
    $('m-agg-head').textContent = agg;
    if (!name) {
      $('m-summary').textContent = 'no metric stored yet';
      renderMetrics({ series: [], from: null, to: null, agg });
      showStatus();
      return;
    }
    const minutes = Number($('m-range').value);
    const to = minuteIso(Date.now());
    const from = minuteIso(Date.now() - minutes * 60000);
    const match = $('m-match').value.trim();
    const body = await getJson(`/v1/metrics/${encodeURIComponent(name)}/series?from=${from}&to=${to}&agg=${agg}`
      + `&step=${M_STEPS[minutes]}` + (match ? `&match=${encodeURIComponent(match)}` : ''));
    $('m-summary').textContent = `${body.series.length} series of ${name}`
      + (body.truncated ? ', the first ones by key' : '')
      + (body.index && !body.index.complete ? ' (series list incomplete: index read limit reached)' : '');
    $('m-title').textContent = `${agg} per ${M_STEPS[minutes]} step, ${body.resolution} rollups`;
    renderMetrics(body);
    showStatus();
  } catch (e) {
    showStatus(e);
  }
}

function renderMetrics(body) {
  $('m-latest').querySelector('tbody').replaceChildren(...body.series.map((s) => {
    const row = document.createElement('tr');
    row.dataset.series = s.key;
    const latest = s.points.length ? s.points[s.points.length - 1].value : null;
    mCell(row, s.key); mCell(row, mNumber(s.last.value), 'num');
    mCell(row, s.last.ts.substring(11, 19) + ' UTC'); mCell(row, mNumber(latest), 'num');
    return row;
  }));
  renderMetricChart(body);
}

/** One line per series over time (x: [from, to), y: the values' span); a step without a value breaks the line. */
function renderMetricChart(body) {
  const W = 760, H = 320, L = 60, R = 10, T = 10, B = 30;
  const ns = 'http://www.w3.org/2000/svg';
  const el = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const values = body.series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => v !== null);
  let lo = values.length ? Math.min(...values) : 0, hi = values.length ? Math.max(...values) : 1;
  if (lo > 0 && lo < hi / 2) lo = 0; // start at zero unless that flattens the lines
  if (hi === lo) { hi += 1; lo -= lo === 0 ? 0 : 1; }
  const t0 = body.from ? Date.parse(body.from) : 0, t1 = body.to ? Date.parse(body.to) : 1;
  const x = (ts) => L + ((Date.parse(ts) - t0) * (W - L - R)) / (t1 - t0);
  const y = (v) => H - B - ((v - lo) * (H - T - B)) / (hi - lo);
  const children = [];
  for (const f of [0, 0.5, 1]) {
    const v = lo + (hi - lo) * f;
    children.push(el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e6e9ee' }));
    children.push(el('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, mNumber(v, 3)));
  }
  if (body.from) {
    children.push(el('text', { x: L, y: H - 8 }, body.from.substring(11, 16) + ' UTC'));
    children.push(el('text', { x: W - R, y: H - 8, 'text-anchor': 'end' }, body.to.substring(11, 16) + ' UTC'));
  }
  body.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    // Runs of points with a value; a run of one would be an invisible path, so it gets a dot.
    const runs = [[]];
    for (const p of s.points) {
      if (p.value === null) { if (runs[runs.length - 1].length) runs.push([]); continue; }
      runs[runs.length - 1].push([x(p.ts).toFixed(1), y(p.value).toFixed(1)]);
    }
    const d = runs.map((run) => run.map(([px, py], i) => `${i ? 'L' : 'M'}${px},${py}`).join(' ')).join(' ');
    const last = s.points.length ? s.points[s.points.length - 1].value : null;
    children.push(el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2,
      'data-series': s.key, 'data-points': s.points.length, 'data-last': last === null ? '' : last }));
    for (const run of runs.filter((r) => r.length === 1)) children.push(el('circle', { cx: run[0][0], cy: run[0][1], r: 3, fill: color }));
  });
  $('m-chart').replaceChildren(...children);
  $('m-legend').replaceChildren(...body.series.map((s, k) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span'); swatch.style.background = COLORS[k % COLORS.length];
    li.append(swatch, s.key);
    return li;
  }));
}

TABS.metrics = refreshMetrics;
$('m-controls').addEventListener('change', refreshMetrics);
$('m-controls').addEventListener('submit', (e) => { e.preventDefault(); refreshMetrics(); });
