// Tally dashboard: a tab per job; the shown tab polls its part of the query API and redraws.
// This file holds the tabs and the ad-click tab; each other job's tab is a file of its own.
'use strict';
const COLORS = ['#2f6fdf', '#e4572e', '#29a36a', '#9b5de5', '#f3a712', '#17bebb', '#d7263d', '#6c757d'];
const REFRESH_MS = 10000;
const $ = (id) => document.getElementById(id);
/** Each tab's refresh, by the tab's name; a tab's file adds its own. */
const TABS = {};

function activeTab() {
  const tab = location.hash.substring(1);
  return TABS[tab] ? tab : 'ads';
}

function showTab() {
  const tab = activeTab();
  for (const el of document.querySelectorAll('[data-tab]')) {
    if (el.tagName === 'A') el.classList.toggle('active', el.dataset.tab === tab);
    else el.hidden = el.dataset.tab !== tab;
  }
  return TABS[tab]();
}

function showStatus(error) {
  $('status').textContent = error ? 'error: ' + error.message : 'updated ' + new Date().toLocaleTimeString();
  $('status').className = error ? 'error' : '';
}

async function getJson(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}

function minuteIso(date) {
  const d = new Date(date); d.setUTCSeconds(0, 0); return d.toISOString().replace('.000Z', 'Z');
}

async function refresh() {
  const filter = $('filter').value || '0';
  const window = $('window').value;
  const count = $('count').value || '10';
  try {
    const top = await getJson(`/v1/ads/popular_ads?count=${count}&window=${window}&filter=${filter}`);
    renderTop(top);
    let ads = $('ads').value.split(',').map((s) => s.trim()).filter(Boolean);
    if (ads.length === 0) ads = top.ad_ids.slice(0, 5);
    const to = minuteIso(Date.now());
    const from = minuteIso(Date.now() - Number($('span').value) * 60000);
    const series = await Promise.all(ads.map((ad) =>
      getJson(`/v1/ads/${encodeURIComponent(ad)}/series?filter=${filter}&from=${from}&to=${to}`)));
    renderChart(series);
    showStatus();
  } catch (e) {
    showStatus(e);
  }
}
TABS.ads = refresh;

function renderTop(top) {
  $('top-window').textContent = top.window_end
    ? `${top.window} min ending ${top.window_end.replace('T', ' ').replace(':00Z', ' UTC')}`
    : 'no window yet';
  const body = $('top-ads').querySelector('tbody');
  body.replaceChildren(...top.ads.map((ad, i) => {
    const row = document.createElement('tr');
    for (const [text, cls] of [[i + 1, ''], [ad.ad_id, ''], [ad.count.toLocaleString('en-US'), 'num']]) {
      const cell = document.createElement('td'); cell.textContent = text; if (cls) cell.className = cls; row.appendChild(cell);
    }
    row.dataset.ad = ad.ad_id;
    return row;
  }));
}

function renderChart(series) {
  const svg = $('chart');
  const W = 760, H = 320, L = 50, R = 10, T = 10, B = 30;
  const points = series.flatMap((s) => s.points);
  const max = Math.max(1, ...points.map((p) => p.count));
  const n = series.length ? series[0].points.length : 0;
  const x = (i) => L + (n <= 1 ? 0 : (i * (W - L - R)) / (n - 1));
  const y = (v) => H - B - (v * (H - T - B)) / max;
  const ns = 'http://www.w3.org/2000/svg';
  const el = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const children = [];
  for (const f of [0, 0.5, 1]) {
    children.push(el('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#e6e9ee' }));
    children.push(el('text', { x: L - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, Math.round(max * f)));
  }
  if (n > 0) {
    const first = series[0].points[0].minute, last = series[0].points[n - 1].minute;
    children.push(el('text', { x: L, y: H - 8 }, first.substring(11, 16) + ' UTC'));
    children.push(el('text', { x: W - R, y: H - 8, 'text-anchor': 'end' }, last.substring(11, 16) + ' UTC'));
  }
  series.forEach((s, k) => {
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.count).toFixed(1)}`).join(' ');
    children.push(el('path', { d, fill: 'none', stroke: COLORS[k % COLORS.length], 'stroke-width': 2, 'data-ad': s.ad_id,
      'data-total': s.points.reduce((a, p) => a + p.count, 0) }));
  });
  svg.replaceChildren(...children);
  $('legend').replaceChildren(...series.map((s, k) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span'); swatch.style.background = COLORS[k % COLORS.length];
    li.append(swatch, `${s.ad_id} (${s.points.reduce((a, p) => a + p.count, 0).toLocaleString('en-US')})`);
    return li;
  }));
}

/** The job's filters by name and its window sizes, from the server: the choices of the controls. */
async function loadChoices() {
  try {
    const choices = await getJson('/v1/ads/filters');
    $('filter').replaceChildren(...choices.filters.map((f) => {
      const option = document.createElement('option');
      option.value = f.id; option.textContent = f.id === 0 ? f.name : `${f.name} (${f.id})`;
      return option;
    }));
    $('window').replaceChildren(...choices.windows.map((w) => {
      const option = document.createElement('option');
      option.value = w; option.textContent = `${w} min`;
      return option;
    }));
  } catch (e) {
    showStatus(e);
  }
}

$('controls').addEventListener('change', refresh);
window.addEventListener('hashchange', showTab);
// The other tabs' files load after this one: start once all have registered.
window.addEventListener('DOMContentLoaded', () => loadChoices().then(showTab));
setInterval(() => TABS[activeTab()](), REFRESH_MS);
