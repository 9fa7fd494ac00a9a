// Silences: create (matchers, start, end or duration, author, comment, optional weekly recurrence),
// list with status, and expire. Calls POST/GET/DELETE /api/silences; any error shows the API's line.

import { ApiError, del, get, post, seg } from './api.js';
import { askToken, badge, errorLine, fill, h, time } from './dom.js';

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const ACTOR_KEY = 'stormwatch.actor';

/** Matchers as text: a string as is; a list as {name="v", name=~"re"}. */
export function matchersText(m) {
  if (typeof m === 'string') {
    return m;
  }
  if (!Array.isArray(m)) {
    return '—';
  }
  return `{${m.map((x) => {
    let op = x.op;
    if (!op) {
      // Alertmanager's shape: isRegex, isEqual
      op = `${x.isEqual === false ? '!' : '='}${x.isRegex ? '~' : ''}`;
      op = op === '=' ? '=' : op === '!' ? '!=' : op;
    }
    return `${x.name}${op}${JSON.stringify(String(x.value ?? ''))}`;
  }).join(', ')}}`;
}

function recurrenceText(r) {
  if (!r) {
    return '';
  }
  const days = (r.days || []).map((d) => String(d).slice(0, 3).toLowerCase()).join(',');
  return `weekly ${days || 'every day'} ${r.startTime || ''} for ${r.duration || '?'}${r.timeZone ? ` (${r.timeZone})` : ''}`;
}

function isoOf(localValue) {
  const d = new Date(localValue);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function storedActor() {
  try {
    return localStorage.getItem(ACTOR_KEY) || '';
  } catch (e) {
    return '';
  }
}

export function silencesView(main) {
  const listError = h('div', { id: 'silences-error' });
  const formResult = h('p', { id: 'silence-result', class: 'result', role: 'status', 'aria-live': 'polite' });
  const body = h('tbody');
  const showExpired = h('input', { type: 'checkbox', id: 'show-expired', onchange: () => load() });

  const matchers = h('input', {
    id: 'silence-matchers', name: 'matchers', required: true, size: 48,
    placeholder: 'service="cartservice", alertname=~"High.*"',
  });
  const startsAt = h('input', { id: 'silence-starts', type: 'datetime-local', name: 'startsAt' });
  const durationIn = h('input', { id: 'silence-duration', name: 'duration', value: '2h', size: 6 });
  const endsAt = h('input', { id: 'silence-ends', type: 'datetime-local', name: 'endsAt' });
  const author = h('input', { id: 'silence-author', name: 'author', required: true, value: storedActor(), size: 16 });
  const comment = h('input', { id: 'silence-comment', name: 'comment', required: true, size: 40 });
  const recurring = h('input', { type: 'checkbox', id: 'silence-recurring', onchange: () => { recurrence.hidden = !recurring.checked; } });
  const dayBoxes = DAYS.map((d) => h('input', { type: 'checkbox', value: d, id: `day-${d}` }));
  const rStart = h('input', { id: 'silence-rstart', type: 'time', value: '02:00' });
  const rDuration = h('input', { id: 'silence-rduration', value: '2h', size: 6 });
  const rZone = h('input', { id: 'silence-rzone', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', size: 18 });
  const recurrence = h('fieldset', { class: 'recurrence', hidden: true },
    h('legend', {}, 'Every week'),
    DAYS.map((d, i) => h('label', { class: 'day' }, dayBoxes[i], d.slice(0, 3).toLowerCase())),
    h('label', {}, ' from ', rStart), h('label', {}, ' for ', rDuration), h('label', {}, ' time zone ', rZone));

  const form = h('form', { id: 'silence-form', class: 'card', onsubmit: (ev) => { ev.preventDefault(); create(); } },
    h('h2', {}, 'New silence'),
    h('p', {}, h('label', { for: 'silence-matchers' }, 'Matchers '), matchers,
      h('span', { class: 'muted small' }, ' = != =~ !~, comma-separated')),
    h('p', {},
      h('label', {}, 'Starts ', startsAt), h('span', { class: 'muted small' }, ' (empty: now) '),
      h('label', {}, ' for ', durationIn), h('label', {}, ' or until ', endsAt)),
    h('p', {}, h('label', {}, 'Author ', author), h('label', {}, ' Comment ', comment)),
    h('p', {}, h('label', {}, recurring, ' Recurring (a maintenance window)')),
    recurrence,
    h('p', {}, h('button', { type: 'submit', id: 'silence-create' }, 'Create silence'), formResult));

  fill(main, h('section', { class: 'silences' },
    h('h1', {}, 'Silences'),
    form,
    h('section', { class: 'card wide' },
      h('div', { class: 'title-row' }, h('h2', {}, 'Silences'),
        h('label', {}, showExpired, ' show expired'),
        h('button', { type: 'button', onclick: () => load() }, 'Refresh')),
      listError,
      h('table', { class: 'list', id: 'silences' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Status'), h('th', {}, 'Matchers'), h('th', {}, 'Starts'),
          h('th', {}, 'Ends'), h('th', {}, 'Author'), h('th', {}, 'Comment'), h('th', {}, ''))),
        body))));

  function setResult(kind, text) {
    formResult.className = `result ${kind}`;
    formResult.textContent = text;
  }

  function requestBody() {
    let m = matchers.value.trim();
    if (m && !m.startsWith('{')) {
      m = `{${m}}`;
    }
    const b = { matchers: m, author: author.value.trim(), comment: comment.value.trim() };
    if (startsAt.value) {
      b.startsAt = isoOf(startsAt.value);
    }
    if (endsAt.value) {
      b.endsAt = isoOf(endsAt.value);
    } else if (durationIn.value.trim()) {
      b.duration = durationIn.value.trim();
    }
    if (recurring.checked) {
      b.recurrence = {
        days: dayBoxes.filter((x) => x.checked).map((x) => x.value),
        startTime: rStart.value,
        duration: rDuration.value.trim(),
        timeZone: rZone.value.trim(),
      };
    }
    return b;
  }

  async function create() {
    try {
      localStorage.setItem(ACTOR_KEY, author.value.trim());
    } catch (e) {
      // not remembered
    }
    setResult('pending', 'Creating…');
    try {
      const created = await post('/api/silences', requestBody());
      const id = created && typeof created === 'object' ? created.id : null;
      setResult('ok', `Created silence${id ? ` ${id}` : ''}.`);
      load();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setResult('error', `401 ${e.line}`);
        askToken('Creating a silence was refused', create);
      } else {
        setResult('error', e.message);
      }
    }
  }

  async function expire(silence, button) {
    button.disabled = true;
    try {
      await del(`/api/silences/${seg(silence.id)}`);
      load();
    } catch (e) {
      button.disabled = false;
      if (e instanceof ApiError && e.status === 401) {
        askToken('Expiring a silence was refused', () => expire(silence, button));
      }
      fill(listError, errorLine(e, `could not expire ${silence.id}`));
    }
  }

  async function load() {
    try {
      const answer = await get('/api/silences');
      const all = Array.isArray(answer) ? answer : (answer && (answer.silences || answer.items)) || [];
      const list = showExpired.checked ? all : all.filter((x) => String(x.status).toLowerCase() !== 'expired');
      fill(listError);
      fill(body, list.length === 0
        ? h('tr', { class: 'empty' }, h('td', { colspan: 7 }, 'No silences.'))
        : list.map((x) => {
          const expireButton = h('button', { type: 'button', class: 'expire' }, 'Expire');
          expireButton.addEventListener('click', () => expire(x, expireButton));
          const status = String(x.status || 'unknown').toLowerCase();
          return h('tr', { dataset: { silenceId: x.id } },
            h('td', {}, badge(status, 'silence')),
            h('td', {}, h('code', {}, matchersText(x.matchers)),
              x.recurrence ? h('div', { class: 'muted small' }, recurrenceText(x.recurrence)) : null),
            h('td', {}, time(x.startsAt)), h('td', {}, time(x.endsAt)),
            h('td', {}, x.author || '—'), h('td', {}, x.comment || ''),
            h('td', {}, status === 'expired' ? null : expireButton));
        }));
    } catch (e) {
      fill(body);
      const hint = e instanceof ApiError && e.status === 404 ? ' (this query API has no silences endpoint)' : '';
      fill(listError, errorLine(e, `the silences API answered${hint}`));
    }
  }

  load();
  return null;
}
