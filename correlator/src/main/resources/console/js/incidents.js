// The live list of incidents: polls GET /api/incidents every few seconds (paused while the tab is
// hidden), newest first, with severity, status, top root cause, alert count and age.

import { get, poll } from './api.js';
import { age, badge, errorLine, fill, h, incidentLink, live, serviceLink, topRootCause, time } from './dom.js';

const OPEN = 'OPEN,ACKNOWLEDGED,REOPENED';
const EVERY_MS = 4000;

/** The head of an incident table. */
export function incidentHead() {
  return h('thead', {}, h('tr', {},
    h('th', {}, 'Severity'), h('th', {}, 'Status'), h('th', {}, 'Incident'), h('th', {}, 'Root cause'),
    h('th', { class: 'num' }, 'Alerts'), h('th', {}, 'Services'), h('th', {}, 'Age')));
}

/** One row of an incident table. */
export function incidentRow(incident, now) {
  const rc = topRootCause(incident);
  const services = incident.services || [];
  return h('tr', { dataset: { incidentId: incident.id } },
    h('td', {}, badge(incident.severity, 'sev')),
    h('td', { class: 'status' }, badge(incident.status, 'status'), incident.suppressed ? badge('suppressed', 'flag') : null),
    h('td', {}, incidentLink(incident.id, incident.title || incident.id),
      h('div', { class: 'muted small' }, incident.id)),
    h('td', { class: 'root-cause' }, rc ? [serviceLink(rc.service), rc.inferred ? badge('inferred', 'flag') : null] : '—'),
    h('td', { class: 'num alert-count' }, String(incident.alertCount ?? (incident.alerts || []).length)),
    h('td', { class: 'services' }, services.length <= 3 ? services.join(', ')
      : `${services.slice(0, 3).join(', ')} +${services.length - 3}`),
    h('td', { title: `opened ${time(incident.openedAt)}` }, age(incident.openedAt, now)));
}

export function incidentsView(main) {
  let which = 'open';
  const errorBox = h('div', { id: 'list-error' });
  const body = h('tbody');
  const summary = h('p', { class: 'muted', id: 'list-summary' });
  const picker = h('select', {
    id: 'list-filter',
    onchange: () => {
      which = picker.value;
      poller.now();
    },
  }, h('option', { value: 'open' }, 'Open (open, acknowledged, reopened)'), h('option', { value: 'all' }, 'All recent'));
  fill(main, h('section', { class: 'incidents' },
    h('div', { class: 'title-row' }, h('h1', {}, 'Incidents'), h('label', {}, 'Show ', picker)),
    errorBox,
    h('table', { id: 'incidents', class: 'list' }, incidentHead(), body),
    summary));

  const poller = poll(async () => {
    const path = which === 'open' ? `/api/incidents?status=${OPEN}&limit=200` : '/api/incidents?limit=200';
    try {
      const list = await get(path);
      const now = Date.now();
      fill(body, list.map((i) => incidentRow(i, now)));
      if (list.length === 0) {
        fill(body, h('tr', { class: 'empty' }, h('td', { colspan: 7 },
          which === 'open' ? 'No open incidents. All quiet.' : 'No incidents in state.')));
      }
      fill(summary, `${list.length} ${which === 'open' ? 'open ' : ''}incident${list.length === 1 ? '' : 's'}`
        + ` · updated ${time(new Date(now).toISOString())} · every ${EVERY_MS / 1000} s`);
      fill(errorBox);
      live(true, 'live');
    } catch (e) {
      fill(errorBox, errorLine(e, 'could not load incidents (showing the last answer)'));
      live(false, 'API unavailable');
      throw e;
    }
  }, EVERY_MS);
  return () => poller.stop();
}
