// The HttpRaft dashboard, part 1 of 2: what the page knows. One stream per member (GET /dashboard/events,
// Server-Sent Events), read with fetch rather than EventSource so that an API key can travel in the Authorization
// header; each frame updates that member's state and the merged timeline. Part 2 (dashboard.js) draws it.
// No library, no build step: these files are served as written, as classic scripts sharing one global scope.
'use strict';

const STALE_MS = 3000;          // no frame for this long: the member is shown unreachable
const RETRY_MS = 1000;          // pause before reopening a stream that failed
const WINDOW_MS = 5 * 60 * 1000; // what the sparklines show
const KEY_STORAGE = 'httpraft-dashboard-key';

const members = new Map();   // id -> { id, api, url, stream, frame, lastSeen, reachable, samples }
const events = new Map();    // dedup key -> timeline event
let selfId = null;           // the member that served this page

// ---------------------------------------------------------------------------------------------- streams

/** Reads one member's event stream for as long as the page lives, reopening it after any failure. */
class MemberStream {
  constructor(member, url) {
    this.member = member;
    this.url = url;
    this.controller = null;
    this.stopped = false;
  }

  async run() {
    while (!this.stopped) {
      this.controller = new AbortController();
      try {
        await this.read(this.controller.signal);
      } catch (error) {
        if (this.stopped) return;
      }
      markUnreachable(this.member);
      await sleep(RETRY_MS);
    }
  }

  /** Drops the current connection (it is reopened), e.g. when it went quiet or the key changed. */
  reconnect() { if (this.controller) this.controller.abort(); }

  stop() { this.stopped = true; this.reconnect(); }

  async read(signal) {
    const response = await fetch(this.url, { headers: authHeaders(), signal, cache: 'no-store' });
    if (response.status === 401 || response.status === 403) {
      showNotice(response.status === 401
        ? 'These members need an API key (read scope): enter it above.'
        : 'This API key may not read the dashboard.');
      throw new Error('unauthorized');
    }
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += value.replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = parseEvent(block);
        if (data) onFrame(this.member, data);
      }
    }
  }
}

/** The data of an SSE block whose event type is "state", parsed; null for anything else. */
function parseEvent(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (type !== 'state' || data.length === 0) return null;
  try { return JSON.parse(data.join('\n')); } catch { return null; }
}

function authHeaders() {
  const key = sessionStorage.getItem(KEY_STORAGE);
  return key ? { Authorization: `Bearer ${key}` } : {};
}

function sleep(ms) { return new Promise(resolve => setTimeout(resolve, ms)); }

// ---------------------------------------------------------------------------------------------- state

function memberFor(id, api, url) {
  let member = members.get(id);
  if (!member) {
    member = { id, api, url, frame: null, lastSeen: 0, reachable: null, samples: [] };
    members.set(id, member);
  }
  if (api) member.api = api;
  if (url) member.url = url;
  return member;
}

function onFrame(member, frame) {
  if (member.id === null) {
    // The page's own member: now its id is known.
    members.delete(null);
    member.id = frame.id;
    selfId = frame.id;
    const existing = members.get(frame.id);
    if (existing && existing.stream) existing.stream.stop();
    members.set(frame.id, member);
  }
  member.frame = frame;
  member.api = frame.api || member.api;
  member.lastSeen = Date.now();
  if (member.reachable === false) addEvent({ unixMs: Date.now(), kind: 'up', nodeId: member.id, term: frame.term, subject: member.id, text: `node ${member.id} is reachable again` }, true);
  member.reachable = true;
  hideNotice();
  for (const sample of frame.samples) member.samples.push(sample);
  const cutoff = Date.now() - WINDOW_MS;
  while (member.samples.length > 0 && member.samples[0].unixMs < cutoff) member.samples.shift();
  for (const e of frame.events) addEvent(e, false);
  if (frame.id === selfId) syncMembers(frame.members);
  render();
}

function markUnreachable(member) {
  if (member.reachable !== false && member.id !== null) {
    addEvent({ unixMs: Date.now(), kind: 'down', nodeId: member.id, term: member.frame ? member.frame.term : 0, subject: member.id, text: `node ${member.id} is unreachable from this page` }, true);
  }
  member.reachable = false;
  render();
}

/** Starts a stream for each member the serving node knows, and stops those of members it no longer lists. */
function syncMembers(list) {
  const ids = new Set(list.map(m => m.id));
  for (const m of list) {
    const member = memberFor(m.id, m.api, m.url);
    if (!member.stream && m.id !== selfId) {
      member.stream = new MemberStream(member, new URL('dashboard/events', m.url).toString());
      member.stream.run();
    }
  }
  for (const [id, member] of members) {
    if (id !== selfId && !ids.has(id)) {
      if (member.stream) member.stream.stop();
      members.delete(id);
      addEvent({ unixMs: Date.now(), kind: 'membership', nodeId: selfId, term: 0, subject: id, text: `node ${id} left the membership` }, true);
    }
  }
}

function addEvent(e, local) {
  const key = local ? `${e.kind}|${e.subject}|${e.unixMs}` : `${e.kind}|${e.nodeId}|${e.term}|${e.subject}`;
  if (!events.has(key)) events.set(key, e);
  if (events.size > 200) {
    const oldest = [...events.entries()].sort((a, b) => a[1].unixMs - b[1].unixMs)[0][0];
    events.delete(oldest);
  }
}

/** Members whose stream has gone quiet are unreachable; their connection is dropped and reopened. */
function watchdog() {
  const now = Date.now();
  for (const member of members.values()) {
    if (member.reachable && now - member.lastSeen > STALE_MS) {
      markUnreachable(member);
      if (member.stream) member.stream.reconnect();
    }
  }
}

// ---------------------------------------------------------------------------------------------- the cluster as a whole

/** The leader of the highest term claimed by a reachable member, or null. */
function clusterLeader() {
  let best = null;
  for (const member of members.values()) {
    const f = member.frame;
    if (member.reachable && f && f.role === 'leader' && (!best || f.term > best.frame.term)) best = member;
  }
  return best;
}

function clusterActions() {
  const leader = clusterLeader();
  return leader ? leader.frame.actions : { transferLeader: false, addMember: false, removeMember: false };
}
