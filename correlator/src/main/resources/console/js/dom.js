// Small DOM helpers. Text always goes in as text (never as HTML), so API data cannot inject markup.

import { ApiError, setToken } from './api.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: h('a', {href: '#/'}, 'text', child...). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  return build(el, {}, children);
}

/** "2026-03-01 10:00:05" in the browser's time zone, or "—". */
export function time(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return String(iso);
  }
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A <time> element showing time(iso), with the ISO instant as its datetime and tooltip. */
export function timeEl(iso) {
  return h('time', { datetime: iso || undefined, title: iso || undefined }, time(iso));
}

/** "45s", "3m 12s", "2h 5m", "3d 4h" from a duration in milliseconds. */
export function duration(ms) {
  const sec = Math.max(0, Math.floor(ms / 1000));
  if (sec < 60) {
    return `${sec}s`;
  }
  const min = Math.floor(sec / 60);
  if (min < 60) {
    return `${min}m ${sec % 60}s`;
  }
  const hr = Math.floor(min / 60);
  if (hr < 48) {
    return `${hr}h ${min % 60}m`;
  }
  return `${Math.floor(hr / 24)}d ${hr % 24}h`;
}

/** How long ago iso was, as duration(). */
export function age(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '—' : duration(now - t);
}

/** A coloured label for a severity, status or flag. */
export function badge(text, kind) {
  const value = String(text || 'UNKNOWN');
  return h('span', { class: `badge ${kind || ''} ${kind ? `${kind}-${value.toLowerCase()}` : ''}` }, value);
}

/** A link to a service page. */
export function serviceLink(name) {
  return h('a', { href: `#/services/${encodeURIComponent(name)}`, class: 'service' }, name);
}

/** A link to an incident page. */
export function incidentLink(id, text) {
  return h('a', { href: `#/incidents/${encodeURIComponent(id)}` }, text || id);
}

/** The top-ranked root-cause candidate of an incident, or null. */
export function topRootCause(incident) {
  const rc = [...(incident.rootCauses || [])].sort((a, b) => a.rank - b.rank);
  return rc.length ? rc[0] : null;
}

/** A one-line error for the user: "404 no incident inc-..." or "the query API is unreachable". */
export function errorLine(e, prefix) {
  const text = e instanceof ApiError ? e.message : String(e && e.message ? e.message : e);
  return h('p', { class: 'error', role: 'alert' }, prefix ? `${prefix}: ${text}` : text);
}

/** The header's live indicator. */
export function live(ok, text) {
  const el = document.getElementById('live');
  if (el) {
    el.className = `live ${ok ? 'ok' : 'down'}`;
    el.textContent = text;
  }
}

/**
 * Asks for the API's bearer token after a 401, then calls retry(). The token is kept for this tab
 * only. Cancel forgets the question.
 */
export function askToken(reason, retry) {
  const bar = document.getElementById('token');
  const input = h('input', { type: 'password', id: 'token-input', autocomplete: 'off', placeholder: 'bearer token' });
  const form = h('form', {
    onsubmit: (ev) => {
      ev.preventDefault();
      setToken(input.value.trim());
      bar.hidden = true;
      bar.replaceChildren();
      retry();
    },
  },
  h('label', { for: 'token-input' }, `${reason} — the API needs a bearer token: `),
  input,
  h('button', { type: 'submit' }, 'Save and retry'),
  h('button', { type: 'button', onclick: () => { bar.hidden = true; bar.replaceChildren(); } }, 'Cancel'));
  fill(bar, form);
  bar.hidden = false;
  input.focus();
}
