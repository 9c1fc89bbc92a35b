// The enumguard dashboard: polls the admin API for figures and tables, follows the live event
// stream (SSE) for findings. Every value is written with textContent, never as HTML: subjects,
// notes and details come from the network and must not become markup.
'use strict';

const API = '/admin/v1';
const POLL_MS = 2000;
// Every list on the page is bounded, so it can stay open through a long attack: the feeds keep
// the newest MAX_FEED items, the tables ask the API for TABLE_ROWS rows (and say how many more).
const MAX_FEED = 100;
const TABLE_ROWS = 20;
let csrf = '';

const $ = (id) => document.getElementById(id);
const time = (ms) => new Date(ms).toLocaleTimeString();
const subjectText = (s) => (s.kind === 'identity' ? `identity ${s.tag}` : `network ${s.prefix}`);

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function say(text) {
  $('message').textContent = text;
}

async function api(path, init) {
  const res = await fetch(API + path, { credentials: 'same-origin', ...init });
  if (res.status === 401) location.assign('/admin/login');
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || `${res.status}`);
  return body;
}

// State changes carry the session's CSRF token; the server also checks the request's origin.
function post(path, value) {
  return api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(value),
  });
}

async function act(what, path, value) {
  try {
    await post(path, value);
    say(`${what}: done`);
    await refresh();
  } catch (err) {
    say(`${what}: ${err.message}`);
  }
}

function button(kind, label, subject) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = kind;
  b.textContent = label;
  b.dataset.subject = subjectText(subject);
  b.addEventListener('click', () =>
    kind === 'lift'
      ? act(`lift ${subjectText(subject)}`, '/blocks/lift', { subject })
      : act(`block ${subjectText(subject)}`, '/blocks', {
          subject,
          duration: '1h',
          note: 'from the dashboard',
        }),
  );
  return b;
}

function fill(tbody, rows, render) {
  const fresh = document.createElement('tbody');
  for (const r of rows) {
    const tr = document.createElement('tr');
    render(tr, r);
    fresh.appendChild(tr);
  }
  tbody.replaceWith(fresh);
}

let chart;
let series = [];
function drawTraffic(t) {
  const reasons = Object.keys(t.refusals).sort();
  const data = [t.seconds.map((s) => s / 1000), t.requests, ...reasons.map((r) => t.refusals[r])];
  const names = ['requests', ...reasons.map((r) => `refused: ${r}`)];
  const el = $('chart');
  if (chart === undefined || names.join() !== series.join()) {
    chart?.destroy();
    series = names;
    const colors = ['#0969da', '#b42318', '#bf8700', '#8250df', '#1a7f37', '#cf222e', '#57606a'];
    chart = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 220,
        series: [{}, ...names.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 1.5 }))],
        axes: [{}, { label: 'per second' }],
      },
      data,
      el,
    );
  } else chart.setData(data);
}

// One refresh at a time: a burst of block events (or a slow API) asks again once, after it.
let refreshing;
let again = false;
function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = load().finally(() => {
    refreshing = undefined;
    if (again) {
      again = false;
      void refresh().catch((err) => say(err.message));
    }
  });
  return refreshing;
}

async function load() {
  const [status, traffic, risky, blocks, hot] = await Promise.all([
    api('/status'),
    api('/traffic'),
    api('/risky?limit=10').catch((err) => ({ subjects: [], error: err.message })),
    api(`/blocks?limit=${TABLE_ROWS}`).catch(() => ({ blocks: [], total: 0 })),
    api(`/hot-blocks?limit=${TABLE_ROWS}`),
  ]);
  $('policy').textContent = `${status.policy.version} (${status.policy.routes} routes)`;
  $('store').textContent = `${status.store.kind}: ${status.store.healthy ? 'healthy' : 'degraded'}`;
  $('store').className = status.store.healthy ? '' : 'bad';
  $('instances').textContent = String(status.instances);
  $('events').textContent = `${status.events.emitted} emitted, ${status.events.dropped} dropped`;
  drawTraffic(traffic);
  fill($('offenders').tBodies[0], risky.subjects, (tr, e) => {
    cell(tr, subjectText(e.subject));
    cell(tr, e.score.toFixed(1));
    cell(tr, e.blockedUntil > 0 ? time(e.blockedUntil) : '');
    cell(tr, '').appendChild(
      e.blockedUntil > 0 ? button('lift', 'Lift', e.subject) : button('block', 'Block', e.subject),
    );
  });
  fill($('blocks').tBodies[0], blocks.blocks, (tr, e) => {
    cell(tr, subjectText(e.subject));
    cell(tr, time(e.blockedUntil));
    cell(tr, String(e.blocks));
    cell(tr, '').appendChild(button('lift', 'Lift', e.subject));
  });
  const more = blocks.total - blocks.blocks.length;
  $('blocks-more').textContent = more > 0 ? `and ${more} more (GET ${API}/blocks?limit=1000)` : '';
  fill($('hot-blocks').tBodies[0], hot.blocks, (tr, b) => {
    cell(tr, b.block);
    cell(tr, String(b.findings));
    cell(tr, String(b.callers));
    cell(tr, time(b.lastAt));
  });
}

function addTo(list, text, className) {
  const li = document.createElement('li');
  li.textContent = text;
  if (className) li.className = className;
  list.prepend(li);
  while (list.children.length > MAX_FEED) list.lastElementChild.remove();
}

function showFinding(e) {
  const who = e.identityTag ? `identity ${e.identityTag}` : `network ${e.prefix}`;
  const text = `${time(e.at)} ${e.detector} on ${e.route}: ${who} → ${e.level} (score ${e.score.toFixed(1)}) ${e.detail}`;
  addTo($('findings'), text, e.shadow ? 'shadow' : '');
  if (e.shadow && (e.wouldBe === 'block' || e.wouldBe === 'challenge')) {
    addTo($('shadow'), `${time(e.at)} ${e.detector}: ${who} would be ${e.wouldBe}`);
  }
}

function follow() {
  const stream = new EventSource(`${API}/events/live?type=finding,block-started,block-lifted`);
  stream.addEventListener('open', () => ($('live').textContent = 'live'));
  stream.addEventListener('error', () => ($('live').textContent = 'reconnecting'));
  stream.addEventListener('finding', (m) => showFinding(JSON.parse(m.data)));
  const onBlock = (m) => {
    const e = JSON.parse(m.data);
    addTo($('findings'), `${time(e.at)} ${e.type} ${subjectText(e.subject)} by ${e.by}`);
    void refresh().catch(() => undefined);
  };
  stream.addEventListener('block-started', onBlock);
  stream.addEventListener('block-lifted', onBlock);
  // After a reconnect that lost events, the list starts over from the recent ones.
  stream.addEventListener('gap', () => {
    $('findings').replaceChildren();
    void loadFindings();
  });
}

async function loadFindings() {
  const { findings } = await api('/findings?limit=50');
  for (const f of findings) showFinding(f);
}

async function main() {
  csrf = (await api('/session')).csrf || '';
  $('logout').addEventListener('click', async () => {
    await fetch('/admin/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': csrf },
      credentials: 'same-origin',
    });
    location.assign('/admin/login');
  });
  await loadFindings();
  follow();
  await refresh();
  setInterval(() => void refresh().catch((err) => say(err.message)), POLL_MS);
}

void main().catch((err) => say(err.message));
