// The HttpRaft dashboard, part 2 of 2: drawing what dashboard-state.js knows, the operator's actions, and the start.
'use strict';

// ---------------------------------------------------------------------------------------------- rendering

const fmt = new Intl.NumberFormat('en-US');
const $ = id => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

let renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; draw(); });
}

function draw() {
  const sorted = [...members.values()].filter(m => m.id !== null).sort((a, b) => a.id - b.id);
  drawSummary(sorted);
  const scale = logScale(sorted);
  const cards = $('cards');
  for (const member of sorted) {
    let card = cards.querySelector(`[data-node="${member.id}"]`);
    if (!card) { card = newCard(member.id); cards.append(card); }
    fillCard(card, member, scale);
  }
  for (const card of [...cards.children]) if (!members.has(Number(card.dataset.node))) card.remove();
  drawTimeline();
  $('add-member').hidden = !clusterActions().addMember;
}

function drawSummary(sorted) {
  const leader = clusterLeader();
  const reachable = sorted.filter(m => m.reachable).length;
  const terms = sorted.filter(m => m.reachable && m.frame).map(m => m.frame.term);
  $('cluster-leader').textContent = leader ? `node ${leader.id}` : 'none';
  $('cluster-term').textContent = terms.length ? fmt.format(Math.max(...terms)) : '–';
  $('cluster-commit').textContent = leader ? fmt.format(leader.frame.commitIndex) : '–';
  const last = leader && leader.samples.length ? leader.samples[leader.samples.length - 1] : null;
  $('cluster-rate').textContent = last ? fmt.format(Math.round(last.commitsPerSecond)) : '–';
  const quorum = Math.floor(sorted.length / 2) + 1;
  $('cluster-reachable').textContent = `${reachable} / ${sorted.length}`;
  $('cluster-reachable').className = reachable >= quorum ? '' : 'bad';
  document.title = leader ? `HttpRaft · node ${leader.id} leads term ${leader.frame.term}` : 'HttpRaft · no leader';
}

/** One scale for every card's log bar, so the bars line up: from the lowest first index to the highest last index. */
function logScale(sorted) {
  const frames = sorted.map(m => m.frame).filter(Boolean);
  if (frames.length === 0) return { low: 0, high: 1 };
  const low = Math.min(...frames.map(f => f.firstIndex - 1));
  const high = Math.max(...frames.map(f => f.lastIndex), low + 1);
  return { low, high };
}

function newCard(id) {
  const card = el('article', { class: 'card', 'data-node': String(id) });
  card.innerHTML = `
    <header class="card-head"><h2>node ${id}</h2><span class="role"></span><span class="addr"></span></header>
    <dl class="facts">
      <div><dt>term</dt><dd class="term"></dd></div>
      <div><dt>leader</dt><dd class="leader"></dd></div>
      <div><dt>status</dt><dd class="reach"></dd></div>
      <div><dt>loop busy</dt><dd class="saturation"></dd></div>
    </dl>
    <div class="logbar" role="img"><span class="applied"></span><span class="committed"></span><span class="uncommitted"></span></div>
    <div class="indexes">
      <span>first <b class="first"></b></span><span>applied <b class="applied-index"></b></span>
      <span>commit <b class="commit"></b></span><span>last <b class="last"></b></span>
    </div>
    <div class="table-wrap"></div>
    <div class="sparks"></div>
    <footer class="actions"></footer>`;
  return card;
}

function fillCard(card, member, scale) {
  const f = member.frame;
  const reachable = member.reachable !== false && f !== null;
  card.dataset.reachable = String(reachable);
  card.dataset.role = f ? f.role : 'unknown';
  const connecting = f === null && member.reachable !== false;
  card.querySelector('.role').textContent = connecting ? 'CONNECTING' : !reachable ? 'UNREACHABLE' : f.role.toUpperCase();
  card.querySelector('.addr').textContent = member.api || '';
  const text = (selector, value) => { card.querySelector(selector).textContent = value; };
  text('.term', f ? fmt.format(f.term) : '–');
  text('.leader', f ? (f.leader === null || f.leader === undefined ? 'none' : `node ${f.leader}`) : '–');
  text('.reach', connecting ? 'connecting' : reachable ? 'reachable' : 'unreachable');
  text('.saturation', f ? `${Math.round(f.saturation * 100)}%` : '–');
  text('.first', f ? fmt.format(f.firstIndex) : '–');
  text('.applied-index', f ? fmt.format(f.appliedIndex) : '–');
  text('.commit', f ? fmt.format(f.commitIndex) : '–');
  text('.last', f ? fmt.format(f.lastIndex) : '–');
  if (f) drawLogBar(card.querySelector('.logbar'), f, scale, matchOf(member.id));
  drawFollowers(card.querySelector('.table-wrap'), f && f.role === 'leader' ? f.followers : []);
  drawSparks(card.querySelector('.sparks'), member.samples);
  drawActions(card.querySelector('.actions'), member, reachable);
}

/** The leader's view of this member's match index, to mark on its bar. */
function matchOf(id) {
  const leader = clusterLeader();
  const follower = leader && leader.id !== id ? leader.frame.followers.find(x => x.id === id) : null;
  return follower ? follower.matchIndex : null;
}

function drawLogBar(bar, f, scale, match) {
  const span = Math.max(1, scale.high - scale.low);
  const pct = i => `${Math.max(0, Math.min(100, ((i - scale.low) / span) * 100))}%`;
  const place = (selector, from, to) => {
    const part = bar.querySelector(selector);
    part.style.left = pct(from);
    part.style.width = `calc(${pct(to)} - ${pct(from)})`;
  };
  place('.applied', f.firstIndex - 1, f.appliedIndex);
  place('.committed', f.appliedIndex, f.commitIndex);
  place('.uncommitted', f.commitIndex, f.lastIndex);
  let marker = bar.querySelector('.match');
  if (match === null) { if (marker) marker.remove(); }
  else {
    if (!marker) { marker = el('span', { class: 'match', title: "leader's match index" }); bar.append(marker); }
    marker.style.left = pct(match);
  }
  bar.setAttribute('aria-label', `log from ${f.firstIndex} to ${f.lastIndex}: applied ${f.appliedIndex}, committed ${f.commitIndex}`);
}

function drawFollowers(wrap, followers) {
  if (followers.length === 0) { wrap.replaceChildren(); return; }
  // Rows are updated in place and rebuilt only when the followers change, so the table does not flicker.
  const ids = followers.map(x => x.id).join(',');
  if (wrap.dataset.ids !== ids || !wrap.firstChild) {
    wrap.dataset.ids = ids;
    const table = el('table', { class: 'followers' });
    table.append(el('thead', {}, row('th', ['follower', 'match', 'lag', 'lag ms', 'state', 'rtt ms'])));
    const body = el('tbody');
    for (let i = 0; i < followers.length; i++) body.append(row('td', ['', '', '', '', '', '']));
    table.append(body);
    wrap.replaceChildren(table);
  }
  const rows = wrap.querySelectorAll('tbody tr');
  followers.forEach((x, i) => {
    const cells = rows[i].children;
    const values = [`node ${x.id}`, fmt.format(x.matchIndex), fmt.format(x.lagEntries), x.lagMs.toFixed(1), x.state, x.roundTripMs === null ? '–' : x.roundTripMs.toFixed(1)];
    values.forEach((value, c) => { if (cells[c].textContent !== value) cells[c].textContent = value; });
    rows[i].dataset.follower = String(x.id);
    cells[4].className = x.state === 'probe' ? 'probe' : '';
    cells[0].className = x.recentActive ? '' : 'inactive';
  });
}

function row(cell, values) {
  const tr = el('tr');
  for (const value of values) tr.append(el(cell, { text: value }));
  return tr;
}

const SPARKS = [
  { label: 'commits/s', value: s => s.commitsPerSecond, unit: '' },
  { label: 'append p99', value: s => s.appendP99Ms, unit: ' ms' },
  { label: 'fsync p99', value: s => s.fsyncP99Ms, unit: ' ms' },
];

function drawSparks(wrap, samples) {
  if (wrap.children.length === 0) {
    for (const spark of SPARKS) {
      const box = el('div', { class: 'spark' });
      box.innerHTML = `<div class="label"><span>${spark.label}</span><span class="value"></span></div>
        <svg viewBox="0 0 300 38" preserveAspectRatio="none" aria-hidden="true"><polyline points=""/></svg>`;
      wrap.append(box);
    }
  }
  const now = Date.now();
  // Up to the last five minutes; less while less is known, so a fresh page does not squeeze it into a corner.
  const span = Math.min(WINDOW_MS, Math.max(60 * 1000, samples.length ? now - samples[0].unixMs : 0));
  SPARKS.forEach((spark, i) => {
    const box = wrap.children[i];
    const points = samples.filter(s => spark.value(s) !== null && spark.value(s) !== undefined);
    const last = points.length ? spark.value(points[points.length - 1]) : null;
    box.querySelector('.value').textContent = last === null ? '–' : `${formatValue(last)}${spark.unit}`;
    const top = Math.max(1e-9, ...points.map(spark.value));
    const coords = points.map(s => {
      const x = 300 - ((now - s.unixMs) / span) * 300;
      const y = 36 - (spark.value(s) / top) * 34;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    box.querySelector('polyline').setAttribute('points', coords.join(' '));
  });
}

function formatValue(v) {
  if (v >= 100) return fmt.format(Math.round(v));
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

// ---------------------------------------------------------------------------------------------- actions

function drawActions(footer, member, reachable) {
  const actions = clusterActions();
  const leader = clusterLeader();
  const wanted = [];
  if (actions.transferLeader && leader && reachable && member.id !== leader.id) wanted.push('transfer');
  if (actions.removeMember && leader) wanted.push('remove');
  if (footer.dataset.wanted === wanted.join(',')) return;
  footer.dataset.wanted = wanted.join(',');
  footer.replaceChildren();
  if (wanted.includes('transfer')) footer.append(actionButton('Make leader', 'transfer', () => transferTo(member.id)));
  if (wanted.includes('remove')) footer.append(actionButton('Remove', 'remove', () => removeMember(member.id)));
}

/** A button that asks for a second click within three seconds before it acts. */
function actionButton(label, name, act) {
  const button = el('button', { type: 'button', class: name, 'data-action': name, text: label });
  let armed = null;
  button.addEventListener('click', () => {
    if (!armed) {
      button.textContent = 'Confirm?';
      button.classList.add('confirm');
      armed = setTimeout(() => { armed = null; button.textContent = label; button.classList.remove('confirm'); }, 3000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.textContent = label;
    button.classList.remove('confirm');
    act();
  });
  return button;
}

/** Sends an action to the leader's API (the routes answer 307 on a follower anyway). */
async function callLeader(method, path, body) {
  const leader = clusterLeader();
  if (!leader) { toast('No leader to ask right now.', true); return null; }
  const headers = { ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const response = await fetch(new URL(path, leader.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: response.status, json };
  } catch (error) {
    toast(`The leader did not answer: ${error.message}`, true);
    return null;
  }
}

function problemText(result) {
  const detail = result.json && (result.json.detail || result.json.title);
  return `${result.status}${detail ? `: ${detail}` : ''}`;
}

async function transferTo(id) {
  addEvent({ unixMs: Date.now(), kind: 'transfer', nodeId: selfId, term: 0, subject: id, text: `transfer of leadership to node ${id} requested from this page` }, true);
  render();
  const result = await callLeader('POST', 'cluster/leader', { id });
  if (!result) return;
  if (result.status === 200) toast(`node ${id} now leads.`);
  else toast(`Transfer to node ${id} refused (${problemText(result)}).`, true);
}

async function removeMember(id) {
  const result = await callLeader('DELETE', `cluster/members/${id}`);
  if (!result) return;
  if (result.status === 200) toast(`node ${id} was removed.`);
  else toast(`Removing node ${id} was refused (${problemText(result)}).`, true);
}

async function addMember(form) {
  const data = new FormData(form);
  const result = await callLeader('POST', 'cluster/members', { peer: data.get('peer'), api: data.get('api'), role: data.get('role') });
  if (!result) return;
  if (result.status === 201) { toast(`node ${result.json.id} added as ${result.json.role}.`); form.reset(); }
  else toast(`Adding the member was refused (${problemText(result)}).`, true);
}

// ---------------------------------------------------------------------------------------------- timeline, notices

function drawTimeline() {
  const list = $('timeline');
  const items = [...events.values()].sort((a, b) => b.unixMs - a.unixMs).slice(0, 60);
  const signature = items.map(e => `${e.unixMs}${e.kind}${e.nodeId}`).join('|');
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(...items.map(e => el('li', { 'data-kind': e.kind },
    el('time', { text: new Date(e.unixMs).toLocaleTimeString([], { hour12: false }) }),
    el('span', { class: `kind ${e.kind}`, text: e.kind }),
    el('span', { text: e.text }))));
}

function showNotice(text) {
  const notice = $('notice');
  notice.textContent = text;
  notice.hidden = false;
}

function hideNotice() { $('notice').hidden = true; }

let toastTimer = null;
function toast(text, error = false) {
  const box = $('toast');
  box.textContent = text;
  box.className = error ? 'toast error' : 'toast';
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 6000);
}

// ---------------------------------------------------------------------------------------------- start

function start() {
  $('key').value = sessionStorage.getItem(KEY_STORAGE) || '';
  $('key-form').addEventListener('submit', event => {
    event.preventDefault();
    const key = $('key').value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
    for (const member of members.values()) if (member.stream) member.stream.reconnect();
  });
  $('add-member-form').addEventListener('submit', event => { event.preventDefault(); addMember(event.target); });
  // The serving member first, over the page's own origin; its frames list the others.
  const self = memberFor(null, '', new URL('/', location.href).toString());
  self.stream = new MemberStream(self, new URL('/dashboard/events', location.href).toString());
  self.stream.run();
  setInterval(watchdog, 500);
  setInterval(render, 1000);
}

start();
