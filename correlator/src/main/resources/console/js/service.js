// One service: its place in the graph (dependencies, dependents, owner...), its open incidents and
// their alerts on it (GET /api/services/{name}), and its recent incidents of any status.

import { get, poll, seg } from './api.js';
import { badge, errorLine, fill, h, live, serviceLink, timeEl } from './dom.js';
import { incidentHead, incidentRow } from './incidents.js';

const EVERY_MS = 8000;

function links(names) {
  return names.length === 0 ? h('span', { class: 'muted' }, 'none')
    : names.flatMap((n, i) => (i ? [', ', serviceLink(n)] : [serviceLink(n)]));
}

export function serviceView(main, name) {
  const errorBox = h('div', { id: 'service-error' });
  const about = h('div', { id: 'service-about' });
  const open = h('div', { id: 'service-incidents' });
  const alerts = h('div', { id: 'service-alerts' });
  const recent = h('div', { id: 'service-recent' });
  fill(main, h('section', { class: 'service-page', dataset: { service: name } },
    h('p', { class: 'crumbs' }, h('a', { href: '#/topology' }, '← Topology')),
    h('h1', {}, name),
    errorBox,
    about,
    h('section', { class: 'card wide' }, h('h2', {}, 'Open incidents'), open),
    h('section', { class: 'card wide' }, h('h2', {}, 'Alerts on this service in open incidents'), alerts),
    h('section', { class: 'card wide' }, h('h2', {}, 'Recent incidents (any status)'), recent)));

  const poller = poll(async () => {
    let svc;
    let history;
    try {
      [svc, history] = await Promise.all([
        get(`/api/services/${seg(name)}`),
        get(`/api/incidents?service=${seg(name)}&limit=20`),
      ]);
      fill(errorBox);
      live(true, 'live');
    } catch (e) {
      fill(errorBox, errorLine(e, 'could not load the service'));
      live(false, 'API unavailable');
      throw e;
    }
    const now = Date.now();
    const facts = svc.known === false
      ? [h('dt', {}, 'Graph'), h('dd', {}, 'not in the service graph (load it with `stormwatch topology load`)')]
      : [
        ['Kind', svc.kind], ['Owner', svc.owner], ['System', svc.system], ['Tier', svc.tier],
        ['Topology', svc.topology],
      ].filter(([, v]) => v).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]);
    if (svc.runbook) {
      facts.push(h('dt', {}, 'Runbook'), h('dd', {}, /^https?:\/\//.test(svc.runbook)
        ? h('a', { href: svc.runbook, rel: 'noopener noreferrer', target: '_blank' }, svc.runbook) : svc.runbook));
    }
    facts.push(h('dt', {}, 'Depends on'), h('dd', { id: 'depends-on' }, links(svc.dependsOn || [])));
    facts.push(h('dt', {}, 'Depended on by'), h('dd', { id: 'dependents' }, links(svc.dependents || [])));
    fill(about, h('dl', { class: 'facts' }, facts));

    const incidents = svc.openIncidents || [];
    fill(open, incidents.length === 0 ? h('p', { class: 'muted' }, 'No open incident involves this service.')
      : h('table', { class: 'list' }, incidentHead(), h('tbody', {}, incidents.map((i) => incidentRow(i, now)))));

    const list = svc.alerts || [];
    fill(alerts, list.length === 0 ? h('p', { class: 'muted' }, 'No alert.')
      : h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Status'), h('th', {}, 'Severity'), h('th', {}, 'Alert'),
          h('th', {}, 'Started'), h('th', {}, 'Incident'))),
        h('tbody', {}, list.map((a) => h('tr', {},
          h('td', {}, badge(a.status, 'alert')), h('td', {}, badge(a.severity, 'sev')),
          h('td', {}, a.name, a.summary ? h('div', { class: 'muted small' }, a.summary) : null),
          h('td', {}, timeEl(a.startsAt)),
          h('td', {}, h('a', { href: `#/incidents/${encodeURIComponent(a.incidentId)}` }, a.incidentId)))))));

    fill(recent, history.length === 0 ? h('p', { class: 'muted' }, 'None in state.')
      : h('table', { class: 'list' }, incidentHead(), h('tbody', {}, history.map((i) => incidentRow(i, now)))));
  }, EVERY_MS);
  return () => poller.stop();
}
