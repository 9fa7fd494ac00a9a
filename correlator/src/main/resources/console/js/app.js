// The console's entry point: a hash router over the views. Each view mounts into <main> and returns
// a function that stops its polling when the user navigates away.

import { fill, h } from './dom.js';
import { incidentsView } from './incidents.js';
import { incidentView } from './incident.js';
import { serviceView } from './service.js';
import { topologyView } from './topology.js';
import { silencesView } from './silences.js';

const ROUTES = [
  { re: /^#?\/?$/, nav: 'incidents', view: incidentsView },
  { re: /^#\/incidents\/([^/]+)$/, nav: 'incidents', view: incidentView },
  { re: /^#\/services\/([^/]+)$/, nav: 'topology', view: serviceView },
  { re: /^#\/topology$/, nav: 'topology', view: topologyView },
  { re: /^#\/silences$/, nav: 'silences', view: silencesView },
];

let unmount = null;

function route() {
  if (unmount) {
    unmount();
    unmount = null;
  }
  const hash = window.location.hash || '#/';
  const main = document.getElementById('view');
  for (const r of ROUTES) {
    const m = hash.match(r.re);
    if (m) {
      for (const a of document.querySelectorAll('nav a')) {
        a.classList.toggle('current', a.dataset.nav === r.nav);
      }
      const args = m.slice(1).map((x) => decodeURIComponent(x));
      main.replaceChildren();
      unmount = r.view(main, ...args) || null;
      window.scrollTo(0, 0);
      return;
    }
  }
  fill(main, h('p', { class: 'error' }, `No such page: ${hash}`), h('a', { href: '#/' }, 'Open incidents'));
}

window.addEventListener('hashchange', route);
route();
