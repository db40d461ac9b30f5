// Pure URL rules shared by forms and navigation. No DOM: unit-tested under Node.

/**
 * Where a POST to `action` will say its result belongs: the action URL without its first
 * `/name` query key, re-serialised as URLSearchParams writes it — exactly what the server
 * puts in the result's `location` (`?throw-in-load&/error` → `?throw-in-load=`).
 *
 * @param {URL} action
 * @returns {string} path and query
 */
export function actionLocation(action) {
  const pairs = [...new URLSearchParams(action.search)];
  const named = pairs.findIndex(([key]) => key.startsWith('/'));
  if (named === -1) return action.pathname + action.search;
  pairs.splice(named, 1);
  const query = new URLSearchParams(pairs).toString();
  return action.pathname + (query ? `?${query}` : '');
}

/**
 * Whether `location` is the page at `current`: the same path and, for every query key, the
 * same values in any order. The hash does not count. No location (a result built by hand)
 * counts as the current page.
 *
 * @param {string | URL | undefined | null} location
 * @param {string | URL} current
 * @returns {boolean}
 */
export function isCurrentLocation(location, current) {
  if (location === undefined || location === null) return true;
  const here = new URL(current);
  const there = new URL(location, here);
  if (there.origin !== here.origin || there.pathname !== here.pathname) return false;
  const keys = new Set([...here.searchParams.keys(), ...there.searchParams.keys()]);
  for (const key of keys) {
    const a = here.searchParams.getAll(key).sort();
    const b = there.searchParams.getAll(key).sort();
    if (a.length !== b.length || a.some((value, i) => value !== b[i])) return false;
  }
  return true;
}

/**
 * Whether `url` is on the same origin as `current`: only there may the runtime send what the
 * page knows (its data token) or take a navigation over.
 *
 * @param {string | URL} url
 * @param {string | URL} current
 */
export function isSameOrigin(url, current) {
  return new URL(url, current).origin === new URL(current).origin;
}

/**
 * Whether going from `from` to `to` only moves within the document (same URL but the hash),
 * which the browser handles itself.
 *
 * @param {string | URL} to
 * @param {string | URL} from
 */
export function isHashChange(to, from) {
  const a = new URL(to);
  const b = new URL(from);
  return a.hash !== '' && a.href.split('#')[0] === b.href.split('#')[0];
}

/**
 * The URL a GET form goes to: its action with the query replaced by the form's fields.
 * Files count by name, as in a native GET submission.
 *
 * @param {URL} action
 * @param {FormData} formData
 * @returns {URL}
 */
export function getFormUrl(action, formData) {
  const url = new URL(action);
  const params = new URLSearchParams();
  for (const [key, value] of formData) {
    params.append(key, typeof value === 'string' ? value : value.name);
  }
  url.search = params.toString();
  url.hash = '';
  return url;
}
