// Calls to the query API (same origin): JSON in and out, one-line errors, the bearer token, polling.

const TOKEN_KEY = 'stormwatch.token';
let memoryToken = null; // when sessionStorage is disabled

/** A non-2xx answer, or no answer: the status (0 when unreachable) and the API's one error line. */
export class ApiError extends Error {
  constructor(status, line, retryAfter) {
    super(status ? `${status} ${line}` : line);
    this.status = status;
    this.line = line;
    this.retryAfter = retryAfter;
  }
}

function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || memoryToken;
  } catch (e) {
    return memoryToken;
  }
}

/** Keeps the bearer token for this tab only (sessionStorage); an empty one forgets it. */
export function setToken(value) {
  memoryToken = value || null;
  try {
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  } catch (e) {
    // storage disabled: the token lasts until reload only
  }
}

/** The one line of an error body: the API's text line, or the title/message of a JSON error. */
function errorText(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const o = JSON.parse(trimmed);
      const said = o.title || o.message || o.error || o.detail;
      if (typeof said === 'string' && said.trim() !== '') {
        return said.trim().split('\n')[0];
      }
    } catch (e) {
      // not JSON after all: the first line below
    }
  }
  return (trimmed.split('\n').find((l) => l.trim() !== '') || '').trim();
}

/**
 * One request. Resolves with the parsed JSON body (or the text when it is not JSON); rejects with an
 * ApiError carrying the status and the first line of the body.
 */
export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const t = token();
  if (t) {
    headers.Authorization = `Bearer ${t}`;
  }
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, `the query API is unreachable (${e.message})`);
  }
  const text = await res.text();
  if (!res.ok) {
    const line = errorText(text) || res.statusText || 'error';
    const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(res.status, line, Number.isFinite(retry) ? retry : undefined);
  }
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json') && text.trim() !== '') {
    return JSON.parse(text);
  }
  return text;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const del = (path) => request('DELETE', path);

/** Encodes one path segment. */
export const seg = (s) => encodeURIComponent(s);

/**
 * Calls fn now and then every `everyMs` after it finished, paused while the tab is hidden and
 * stretched to a 503's Retry-After. Returns {stop(), now()}.
 */
export function poll(fn, everyMs) {
  let timer = null;
  let stopped = false;
  let running = false;
  async function tick() {
    timer = null;
    if (stopped || running) {
      return;
    }
    if (document.hidden) {
      return; // resumed by visibilitychange
    }
    running = true;
    let delay = everyMs;
    try {
      await fn();
    } catch (e) {
      if (e instanceof ApiError && e.retryAfter) {
        delay = Math.max(delay, e.retryAfter * 1000);
      }
    } finally {
      running = false;
    }
    if (!stopped && timer === null) {
      timer = setTimeout(tick, delay);
    }
  }
  const onVisibility = () => {
    if (!document.hidden && !stopped && !running) {
      clearTimeout(timer);
      tick();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
    now() {
      if (!running) {
        clearTimeout(timer);
        tick();
      }
    },
  };
}
