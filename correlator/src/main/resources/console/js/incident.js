// One incident: state, Ack and Resolve, ranked root-cause candidates with reasons, suspect changes,
// who was paged (through the query API's relay to the notifier), the timeline and the alerts.

import { ApiError, get, poll, post, seg } from './api.js';
import {
  age, askToken, badge, errorLine, fill, h, incidentLink, live, serviceLink, time, timeEl,
} from './dom.js';

const EVERY_MS = 4000;
const PAGES_EVERY_MS = 15000;
const ACTOR_KEY = 'stormwatch.actor';
const EXPECT = { ack: ['ACKNOWLEDGED', 'RESOLVED'], resolve: ['RESOLVED'] };

function storedActor() {
  try {
    return localStorage.getItem(ACTOR_KEY) || '';
  } catch (e) {
    return '';
  }
}

function storeActor(value) {
  try {
    localStorage.setItem(ACTOR_KEY, value);
  } catch (e) {
    // storage disabled: not remembered
  }
}

export function incidentView(main, id) {
  const head = h('div', { class: 'incident-head' });
  const errorBox = h('div', { id: 'incident-error' });
  const result = h('p', { id: 'action-result', class: 'result', role: 'status', 'aria-live': 'polite' });
  const actor = h('input', { id: 'actor', placeholder: 'your name', value: storedActor(), size: 14 });
  const comment = h('input', { id: 'comment', placeholder: 'comment (optional)', size: 28 });
  const ackButton = h('button', { id: 'ack', type: 'button', onclick: () => act('ack') }, 'Ack');
  const resolveButton = h('button', { id: 'resolve', type: 'button', onclick: () => act('resolve') }, 'Resolve');
  const rootCauses = h('ol', { id: 'root-causes', class: 'candidates' });
  const changes = h('div', { id: 'suspect-changes' });
  const pages = h('div', { id: 'pages' }, h('p', { class: 'muted' }, 'Asking the notifier…'));
  const timeline = h('div', { id: 'timeline' });
  const alerts = h('div', { id: 'alerts' });

  fill(main, h('section', { class: 'incident', dataset: { incidentId: id } },
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← Incidents')),
    errorBox,
    head,
    h('div', { class: 'actions' },
      h('label', {}, 'As ', actor), comment, ackButton, resolveButton, result),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Root-cause candidates'), rootCauses),
      h('section', { class: 'card' }, h('h2', {}, 'Who was paged'), pages),
      h('section', { class: 'card' }, h('h2', {}, 'Suspect changes'), changes),
      h('section', { class: 'card' }, h('h2', {}, 'Timeline'), timeline)),
    h('section', { class: 'card wide' }, h('h2', {}, 'Alerts'), alerts)));

  let incident = null;
  let shownRevision = null;
  let pending = null; // {kind, since}

  function setResult(kind, text) {
    result.className = `result ${kind}`;
    result.textContent = text;
  }

  async function act(kind) {
    const label = kind === 'ack' ? 'Ack' : 'Resolve';
    storeActor(actor.value.trim());
    const body = {};
    if (actor.value.trim()) {
      body.actor = actor.value.trim();
    }
    if (comment.value.trim()) {
      body.comment = comment.value.trim();
    }
    setResult('pending', `${label}: sending…`);
    try {
      const accepted = await post(`/api/incidents/${seg(id)}/${kind}`, body);
      pending = { kind, since: Date.now() };
      setResult('pending', `${label} accepted (command ${accepted.commandId}); waiting for the correlator to apply it…`);
      incidentPoller.now();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setResult('error', `${label} refused: 401 ${e.line}`);
        askToken(`${label} was refused`, () => act(kind));
      } else {
        setResult('error', `${label} failed: ${e.message}`);
      }
    }
  }

  function checkPending() {
    if (!pending || !incident) {
      return;
    }
    if (EXPECT[pending.kind].includes(incident.status)) {
      const who = pending.kind === 'ack' ? incident.acknowledgedBy : incident.resolvedBy;
      const at = pending.kind === 'ack' ? incident.acknowledgedAt : incident.resolvedAt;
      setResult('ok', `${incident.status}${who ? ` by ${who}` : ''}${at ? ` at ${time(at)}` : ''}`);
      pending = null;
    } else if (Date.now() - pending.since > 30000) {
      setResult('error', `the correlator has not applied the ${pending.kind} after 30 s; the incident is ${incident.status}`);
      pending = null;
    }
  }

  function renderHead(now) {
    const i = incident;
    const facts = [
      ['Opened', [timeEl(i.openedAt), ` (${age(i.openedAt, now)} ago)`]],
      ['First alert', timeEl(i.firstAlertAt)],
      ['Last activity', timeEl(i.lastActivityAt)],
      ['Escalated', i.escalatedAt ? timeEl(i.escalatedAt) : 'not yet (group wait)'],
      ['Acknowledged', i.acknowledgedAt ? [timeEl(i.acknowledgedAt), i.acknowledgedBy ? ` by ${i.acknowledgedBy}` : ''] : '—'],
      ['Resolved', i.resolvedAt ? [timeEl(i.resolvedAt), i.resolvedBy ? ` by ${i.resolvedBy}` : ''] : '—'],
      ['Team', i.team || '—'],
      ['Services', (i.services || []).flatMap((s, n) => (n ? [', ', serviceLink(s)] : [serviceLink(s)]))],
    ];
    if (i.reopenCount) {
      facts.push(['Reopened', `${i.reopenCount}×`]);
    }
    if (i.mergedInto) {
      facts.push(['Merged into', incidentLink(i.mergedInto)]);
    }
    if ((i.mergedFrom || []).length) {
      facts.push(['Merged from', i.mergedFrom.flatMap((m, n) => (n ? [', ', incidentLink(m)] : [incidentLink(m)]))]);
    }
    fill(head,
      h('h1', {}, i.title || i.id),
      h('p', { class: 'badges' },
        badge(i.severity, 'sev'),
        h('span', { id: 'incident-status' }, badge(i.status, 'status')),
        i.suppressed ? badge('suppressed', 'flag') : null,
        h('span', { class: 'muted small' }, ` ${i.id} · ${i.alertCount} alert${i.alertCount === 1 ? '' : 's'} · revision ${i.revision}`)),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    ackButton.disabled = i.status === 'ACKNOWLEDGED' || i.status === 'RESOLVED';
    resolveButton.disabled = i.status === 'RESOLVED';
  }

  function renderBody() {
    const i = incident;
    const candidates = [...(i.rootCauses || [])].sort((a, b) => a.rank - b.rank);
    fill(rootCauses, candidates.length === 0 ? h('li', { class: 'muted' }, 'No candidate yet.')
      : candidates.map((c) => h('li', { dataset: { service: c.service } },
        h('div', {}, serviceLink(c.service), ' ',
          c.inferred ? badge('inferred', 'flag') : null,
          h('span', { class: 'muted small' }, ` score ${Number(c.score).toFixed(2)}`)),
        h('ul', { class: 'reasons' }, (c.reasons || []).map((r) => h('li', {}, r))))));

    const sc = i.suspectChanges || [];
    fill(changes, sc.length === 0 ? h('p', { class: 'muted' }, 'No recent change on these services.')
      : h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Service'), h('th', {}, 'Kind'),
          h('th', {}, 'Version'), h('th', {}, 'By'), h('th', {}, 'What'))),
        h('tbody', {}, sc.map((c) => h('tr', {},
          h('td', {}, timeEl(c.time)), h('td', {}, serviceLink(c.service)), h('td', {}, c.kind),
          h('td', {}, c.version || '—'), h('td', {}, c.author || '—'),
          h('td', {}, c.link && /^https?:\/\//.test(c.link)
            ? h('a', { href: c.link, rel: 'noopener noreferrer', target: '_blank' }, c.summary || c.link)
            : (c.summary || '—')))))));

    const entries = [...(i.timeline || [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    fill(timeline, entries.length === 0 ? h('p', { class: 'muted' }, 'Nothing yet.')
      : h('ol', { class: 'timeline' }, entries.map((e) => h('li', { class: `tl tl-${String(e.kind).toLowerCase()}` },
        timeEl(e.at), ' ', badge(e.kind, 'tl'), ' ', e.detail, e.actor ? h('span', { class: 'muted' }, ` — ${e.actor}`) : null))));

    const members = [...(i.alerts || [])].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
    fill(alerts, members.length === 0 ? h('p', { class: 'muted' }, 'No member alerts in state.')
      : h('table', { class: 'list', id: 'alert-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Status'), h('th', {}, 'Severity'), h('th', {}, 'Alert'),
          h('th', {}, 'Service'), h('th', {}, 'Started'), h('th', {}, 'Ended'), h('th', {}, 'Flags'))),
        h('tbody', {}, members.map(alertRow))),
      i.alertCount > members.length
        ? h('p', { class: 'muted small' }, `${i.alertCount - members.length} more alerts beyond the kept ${members.length}.`) : null);
  }

  function alertRow(a) {
    const details = h('details', {
      ontoggle: () => {
        if (details.open && !details.dataset.loaded) {
          details.dataset.loaded = '1';
          loadAlert(a.fingerprint, body);
        }
      },
    }, h('summary', {}, a.name), a.summary ? h('div', { class: 'small' }, a.summary) : null);
    const body = h('div', { class: 'alert-detail small' });
    details.append(body);
    return h('tr', { dataset: { fingerprint: a.fingerprint } },
      h('td', {}, badge(a.status, 'alert')), h('td', {}, badge(a.severity, 'sev')),
      h('td', {}, details), h('td', {}, serviceLink(a.service)),
      h('td', {}, timeEl(a.startsAt)), h('td', {}, a.endsAt ? timeEl(a.endsAt) : '—'),
      h('td', {}, a.suppressed ? badge(`suppressed${a.suppressedBy ? ` by ${a.suppressedBy}` : ''}`, 'flag') : null,
        a.flapping ? badge('flapping', 'flag') : null));
  }

  async function loadAlert(fingerprint, into) {
    fill(into, 'Loading…');
    try {
      const a = await get(`/api/alerts/${seg(fingerprint)}`);
      const kv = (o) => Object.entries(o || {}).map(([k, v]) => h('li', {}, h('code', {}, `${k}=${v}`)));
      fill(into,
        h('p', {}, `fingerprint ${a.fingerprint} · seen ${a.observations}× · ${a.occurrences} occurrence(s) · `
          + `${a.stateChanges} state change(s) · last seen ${time(a.lastSeenAt)}`),
        h('div', {}, 'Labels:', h('ul', { class: 'kv' }, kv(a.labels))),
        Object.keys(a.annotations || {}).length ? h('div', {}, 'Annotations:', h('ul', { class: 'kv' }, kv(a.annotations))) : null);
    } catch (e) {
      fill(into, errorLine(e));
    }
  }

  const incidentPoller = poll(async () => {
    try {
      incident = await get(`/api/incidents/${seg(id)}`);
      fill(errorBox);
      live(true, 'live');
    } catch (e) {
      fill(errorBox, errorLine(e, incident ? 'could not refresh (showing the last answer)' : 'could not load the incident'));
      live(false, 'API unavailable');
      throw e;
    }
    renderHead(Date.now());
    if (incident.revision !== shownRevision) {
      shownRevision = incident.revision;
      renderBody();
    }
    checkPending();
  }, EVERY_MS);

  const pagesPoller = poll(async () => {
    try {
      const answer = await get(`/api/notifier/pages?incident=${seg(id)}`);
      renderPages(pages, answer);
    } catch (e) {
      let text;
      if (e instanceof ApiError && e.status === 501) {
        text = 'Notifier not configured: pages cannot be shown here.';
      } else if (e instanceof ApiError && (e.status === 502 || e.status === 504 || e.status === 0)) {
        text = `Notifier unreachable: ${e.line}`;
      } else {
        text = `The notifier answered ${e.message}`;
      }
      fill(pages, h('p', { class: 'muted notifier-status' }, text),
        incident && incident.escalatedAt ? h('p', { class: 'small' }, `The correlator escalated this incident at ${time(incident.escalatedAt)}.`) : null);
    }
  }, PAGES_EVERY_MS);

  return () => {
    incidentPoller.stop();
    pagesPoller.stop();
  };
}

/** Renders the notifier's pages of an incident: an array, or an object holding one under pages/items. */
function renderPages(into, answer) {
  const list = Array.isArray(answer) ? answer
    : (answer && (answer.pages || answer.items || answer.results)) || [];
  if (list.length === 0) {
    fill(into, h('p', { class: 'muted' }, 'Nobody has been paged for this incident.'));
    return;
  }
  const pick = (p, ...keys) => {
    for (const k of keys) {
      const v = k.split('.').reduce((o, part) => (o == null ? undefined : o[part]), p);
      if (v !== undefined && v !== null && v !== '') {
        return v;
      }
    }
    return undefined;
  };
  const rows = [...list].sort((a, b) => Date.parse(pick(a, 'requestedAt', 'at', 'sentAt', 'time') || 0)
    - Date.parse(pick(b, 'requestedAt', 'at', 'sentAt', 'time') || 0));
  fill(into, h('table', { class: 'list', id: 'pages-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Who'), h('th', {}, 'Channel'),
      h('th', {}, 'Level'), h('th', {}, 'Action'), h('th', {}, 'Result'))),
    h('tbody', {}, rows.map((p) => {
      const result = pick(p, 'outcome', 'result', 'status', 'state');
      const detail = pick(p, 'error', 'reason');
      return h('tr', {},
        h('td', {}, timeEl(pick(p, 'deliveredAt', 'requestedAt', 'at', 'sentAt', 'time'))),
        h('td', {}, String(pick(p, 'recipient.name', 'recipient.id', 'recipientName', 'recipientId', 'recipient') ?? '—')),
        h('td', {}, String(pick(p, 'channel', 'recipient.channel') ?? '—')),
        h('td', {}, String(pick(p, 'level') ?? '—')),
        h('td', {}, String(pick(p, 'action') ?? '—')),
        h('td', {}, result ? badge(result, 'page') : '—', detail ? h('span', { class: 'muted small' }, ` ${detail}`) : null));
    }))));
}
