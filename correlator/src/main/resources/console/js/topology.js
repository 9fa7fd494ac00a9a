// The service graph as SVG (layered layout from layout.js): services with firing alerts in open
// incidents are highlighted, and each open incident's top root cause is outlined. The graph is read
// from GET /api/topology every 30 s, the open incidents every 5 s.

import { get, poll } from './api.js';
import { errorLine, fill, h, live, s, serviceLink, topRootCause } from './dom.js';
import { layered } from './layout.js';

const GRAPH_EVERY_MS = 30000;
const INCIDENTS_EVERY_MS = 5000;
const ALL = '*';
const MAX_ALL = 300;

function groupOf(service) {
  return service.system || service.topology || '(no system)';
}

export function topologyView(main) {
  const errorBox = h('div', { id: 'topology-error' });
  const picker = h('select', { id: 'topology-group', onchange: () => { group = picker.value; draw(); } });
  const summary = h('p', { class: 'muted', id: 'topology-summary' });
  const canvas = h('div', { class: 'graph', id: 'topology-graph' });
  const stray = h('p', { class: 'small', id: 'topology-stray' });
  fill(main, h('section', { class: 'topology' },
    h('div', { class: 'title-row' }, h('h1', {}, 'Topology'), h('label', {}, 'Show ', picker)),
    h('p', { class: 'legend' },
      h('span', { class: 'key alerting' }, 'alerting'), h('span', { class: 'key root-cause' }, 'root cause'),
      h('span', { class: 'key ok' }, 'quiet'), h('span', { class: 'key phantom' }, 'not in the graph'),
      h('span', { class: 'muted' }, ' Arrows point from a caller to what it depends on.')),
    errorBox, summary, canvas, stray));

  let graph = null;
  let incidents = [];
  let group = null;
  let drawnKey = null;

  function groups() {
    const g = new Map();
    for (const svc of graph.services) {
      g.set(groupOf(svc), (g.get(groupOf(svc)) || 0) + 1);
    }
    return g;
  }

  function state() {
    const alerting = new Set();
    const roots = new Set();
    const inIncidents = new Set();
    for (const i of incidents) {
      for (const a of i.alerts || []) {
        if (a.status === 'FIRING') {
          alerting.add(a.service);
        }
      }
      for (const svc of i.services || []) {
        inIncidents.add(svc);
      }
      const rc = topRootCause(i);
      if (rc) {
        roots.add(rc.service);
      }
    }
    return { alerting, roots, inIncidents };
  }

  function syncPicker() {
    const g = groups();
    const { inIncidents } = state();
    const options = [...g.keys()].sort();
    if (group === null) {
      const hot = options.find((o) => graph.services.some((x) => groupOf(x) === o && inIncidents.has(x.name)));
      group = graph.services.length <= MAX_ALL ? ALL : (hot || options[0] || ALL);
    }
    const wanted = [ALL, ...options].join('|');
    if (picker.dataset.options !== wanted) {
      picker.dataset.options = wanted;
      fill(picker,
        h('option', { value: ALL, selected: group === ALL }, `All services (${graph.services.length})`),
        options.map((o) => h('option', { value: o, selected: group === o }, `${o} (${g.get(o)})`)));
    }
  }

  function draw() {
    if (!graph) {
      return;
    }
    if (graph.services.length === 0) {
      drawnKey = null;
      fill(canvas, h('p', { class: 'muted' }, 'The service graph is empty: load one with `stormwatch topology load FILE`.'));
      return;
    }
    syncPicker();
    const { alerting, roots, inIncidents } = state();
    const shown = group === ALL ? graph.services : graph.services.filter((x) => groupOf(x) === group);
    const key = JSON.stringify([group, graph.services.length, [...alerting].sort(), [...roots].sort()]);
    if (key === drawnKey) {
      return;
    }
    drawnKey = key;
    if (shown.length > 2000) {
      fill(canvas, h('p', { class: 'muted' }, `${shown.length} services are too many to draw; pick a system.`));
      return;
    }
    const kinds = new Map(graph.services.map((x) => [x.name, x.kind]));
    const L = layered(shown);
    const W = L.nodeWidth;
    const H = L.nodeHeight;
    const arrow = s('marker', {
      id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
    }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
    const edges = L.edges.map((e) => {
      const a = L.nodes.get(e.from);
      const b = L.nodes.get(e.to);
      const x1 = a.x + W;
      const y1 = a.y + H / 2;
      const x2 = b.x;
      const y2 = b.y + H / 2;
      const d = e.back || x2 <= x1
        ? `M ${a.x + W / 2} ${a.y + H} C ${a.x + W / 2} ${a.y + H + 40}, ${b.x + W / 2} ${b.y + H + 40}, ${b.x + W / 2} ${b.y + H}`
        : `M ${x1} ${y1} C ${x1 + 40} ${y1}, ${x2 - 40} ${y2}, ${x2} ${y2}`;
      const hot = alerting.has(e.from) && alerting.has(e.to);
      return s('path', { d, class: `edge${e.back ? ' back' : ''}${hot ? ' hot' : ''}`, 'marker-end': 'url(#arrow)' },
        s('title', {}, `${e.from} → ${e.to}${e.back ? ' (closes a cycle)' : ''}`));
    });
    const nodes = [...L.nodes.entries()].map(([name, p]) => {
      const classes = ['node'];
      classes.push(alerting.has(name) ? 'alerting' : 'ok');
      if (roots.has(name)) {
        classes.push('root-cause');
      }
      if (p.phantom) {
        classes.push('phantom');
      }
      const label = name.length > 24 ? `${name.slice(0, 23)}…` : name;
      return s('g', { class: classes.join(' '), transform: `translate(${p.x} ${p.y})`, 'data-service': name },
        s('a', { href: `#/services/${encodeURIComponent(name)}` },
          s('rect', { width: W, height: H, rx: 6, ry: 6 }),
          s('text', { x: 10, y: H / 2 + 4 }, label),
          roots.has(name) ? s('text', { x: W - 8, y: H / 2 + 4, class: 'rc-mark', 'text-anchor': 'end' }, 'root cause') : null),
        s('title', {}, `${name}${kinds.get(name) ? ` (${kinds.get(name)})` : ''}${alerting.has(name) ? ' · alerting' : ''}`
          + `${roots.has(name) ? ' · root cause' : ''}${p.phantom ? ' · not in the graph' : ''}`));
    });
    fill(canvas, s('svg', {
      id: 'topology-svg', xmlns: 'http://www.w3.org/2000/svg', width: L.width, height: L.height,
      viewBox: `0 0 ${L.width} ${L.height}`, role: 'img', 'aria-label': 'service dependency graph',
    }, s('defs', {}, arrow), s('g', { class: 'edges' }, edges), s('g', { class: 'nodes' }, nodes)));
    const known = new Set(graph.services.map((x) => x.name));
    const missing = [...inIncidents].filter((n) => !known.has(n)).sort();
    fill(stray, missing.length ? ['Services in open incidents that the graph does not have: ',
      missing.flatMap((n, i) => (i ? [', ', serviceLink(n)] : [serviceLink(n)]))] : null);
    fill(summary, `${shown.length} services · ${[...alerting].filter((n) => L.nodes.has(n)).length} alerting here`
      + `${graph.truncated ? ` · the first ${graph.count} services only` : ''}`);
  }

  const graphPoller = poll(async () => {
    try {
      graph = await get('/api/topology');
      drawnKey = null;
      fill(errorBox);
      live(true, 'live');
      draw();
    } catch (e) {
      fill(errorBox, errorLine(e, 'could not load the service graph'));
      live(false, 'API unavailable');
      throw e;
    }
  }, GRAPH_EVERY_MS);
  const incidentsPoller = poll(async () => {
    try {
      incidents = await get('/api/incidents?status=OPEN,ACKNOWLEDGED,REOPENED&limit=500');
      draw();
    } catch (e) {
      fill(errorBox, errorLine(e, 'could not load open incidents'));
      throw e;
    }
  }, INCIDENTS_EVERY_MS);
  return () => {
    graphPoller.stop();
    incidentsPoller.stop();
  };
}
