// Getting a page from the server and showing it: navigation (GET), render requests (POST,
// JSON), the swap itself, history entries, scroll and focus. See docs/runtime-design.md for
// which request is made when. Loaded on demand: by the first submission, link navigation,
// goto() or refreshAll(); a page that is only read never downloads it.

import { adoptPageState, readPageState } from './current.js';
import { entryState, newEntryId, rememberScroll } from './entries.js';
import { findForm, formPlace, reportFailure } from './failure.js';
import { isExecutable, isRuntime, morphDocument, scriptSignature } from './morph.js';
import { shared } from './shared.js';

/**
 * @typedef {object} ShowOptions
 * @property {'push' | 'replace' | 'none'} [history] what to do with the history entry
 * @property {'top' | 'keep' | {x: number, y: number}} [scroll] where to scroll afterwards
 * @property {'reset' | 'keep' | 'invalid'} [focus] reset focus (autofocus, else <body>), keep
 *   it, or report a failure: focus its first invalid field and announce its error summary
 * @property {HTMLFormElement | null} [form] the form whose failure is shown (focus 'invalid')
 * @property {number} [since] the navigation this update belongs to; dropped if another began
 */

const HTML = /^text\/html\b/i;

/**
 * Navigates client-side: GET the page (loads run, `form` is dropped) and show it.
 * Another origin, a response that is not HTML, a page without the runtime (`csr = False`)
 * or a new server version mean a full load.
 *
 * @param {string | URL} url
 * @param {ShowOptions} [options]
 */
export async function navigate(url, { history = 'push', scroll = 'top', focus = 'reset' } = {}) {
  const target = new URL(url, location.href);
  if (target.origin !== location.origin || shared.updated) return fullLoad(target, history);
  rememberScroll();
  const id = ++shared.navigation;
  let response;
  let html;
  try {
    response = await fetch(target.href, { headers: { accept: 'text/html', 'x-kite': '1' } });
    html = HTML.test(response.headers.get('content-type') ?? '') ? await response.text() : null;
  } catch {
    html = null;
  }
  if (id !== shared.navigation) return undefined;
  if (html === null) return fullLoad(target, history);
  const next = parseDocument(html);
  const state = readPageState(next);
  // No page state: a page without the runtime (`csr = False`), whose links and forms must
  // work natively; or a new server version.
  const skew = state?.version && shared.current.version && state.version !== shared.current.version;
  if (state === null || skew) {
    return fullLoad(new URL(response.url), history);
  }
  const final = new URL(response.url);
  if (!response.redirected) final.hash = target.hash;
  const mode = history === 'push' && final.href === location.href ? 'replace' : history;
  show(next, state, response.status, { url: final, history: mode, scroll, focus });
  return undefined;
}

/**
 * A render request: the page at `url` rendered again with `payload` (form, status, error,
 * token, refresh), no action run; then shown.
 *
 * @param {string | URL} url
 * @param {{form: string | null, status: number, error: object | null, token: string | null, refresh: boolean}} payload
 * @param {ShowOptions} [options]
 */
export async function renderRequest(url, payload, options = {}) {
  const { history = 'none', since } = options;
  if (since !== undefined && since !== shared.navigation) return;
  const id = history === 'push' ? ++shared.navigation : shared.navigation;
  const target = new URL(url, location.href);
  let response;
  let html;
  try {
    response = await fetch(target.href, {
      method: 'POST',
      headers: {
        accept: 'text/html',
        'content-type': 'application/json',
        'x-kite': '1',
        'x-kite-render': '1',
      },
      body: JSON.stringify(payload),
      cache: 'no-store',
    });
    html = HTML.test(response.headers.get('content-type') ?? '') ? await response.text() : null;
  } catch {
    html = null;
  }
  if (id !== shared.navigation) return;
  if (html === null) {
    // Nothing to show: the page as a plain GET is the best that is left.
    fullLoad(target, history);
    return;
  }
  // A redirect (from a load or `handle`) makes this a navigation to where it went.
  const final = response.redirected ? new URL(response.url) : target;
  const mode = response.redirected && history === 'none' ? 'push' : history;
  const next = parseDocument(html);
  show(next, readPageState(next), response.status, { ...options, url: final, history: mode });
}

/**
 * Shows a document the server sent inside an action result (the one-round-trip path).
 *
 * @param {string} html
 * @param {ShowOptions} options
 */
export function showDocument(html, options) {
  if (options.since !== undefined && options.since !== shared.navigation) return;
  const next = parseDocument(html);
  show(next, readPageState(next), 200, { ...options, url: new URL(location.href) });
}

function parseDocument(html) {
  return new DOMParser().parseFromString(html, 'text/html');
}

function show(next, state, status, { url, history = 'none', scroll = 'keep', focus = 'keep', form = null }) {
  if (state?.version && shared.current.version && state.version !== shared.current.version) {
    shared.updated = true;
  }
  if (history === 'push') pushEntry(url);
  else if (history === 'replace') window.history.replaceState(entryState(shared.entry), '', url);
  const place = form && formPlace(form);
  const inserted = morphDocument(next);
  adoptPageState(state, status);
  runScripts(inserted);
  applyScroll(scroll);
  if (focus === 'reset') resetFocus();
  else if (focus === 'invalid') reportFailure(place && findForm(place));
}

// --- scripts -----------------------------------------------------------------------------

/**
 * Runs the scripts the swap brought in. A page script that enhanced a form has to run again
 * when that form was replaced, or the new form would not be enhanced; which script did it
 * cannot be known, so then every module script of the body runs again (enhance() on a form
 * replaces its earlier enhancement, so running twice is harmless for forms).
 */
function runScripts(inserted) {
  const scripts = new Set(inserted);
  const lost = [...shared.scripted].filter((form) => !form.isConnected);
  for (const form of lost) shared.scripted.delete(form);
  if (lost.length > 0) {
    for (const script of document.body.querySelectorAll('script')) {
      if (isExecutable(script) && script.type === 'module' && !isRuntime(script)) scripts.add(script);
    }
  }
  const ordered = [...scripts].sort((a, b) =>
    a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  );
  for (const script of ordered) activate(script);
}

/** Scripts made by a parser do not run when inserted; a fresh copy does. */
function activate(script) {
  const fresh = document.createElement('script');
  for (const { name, value } of script.attributes) fresh.setAttribute(name, value);
  if (script.type === 'module' && script.src) {
    // The browser runs a module URL once; its own fragment makes this run a new module.
    const src = new URL(script.src);
    shared.runs += 1;
    src.hash = `kite-run-${shared.runs}`;
    fresh.src = src.href;
  }
  // Run in document order, as the parser would (inserted scripts are async by default).
  if (!script.hasAttribute('async')) fresh.async = false;
  fresh.text = script.text;
  shared.scriptSignatures.set(fresh, scriptSignature(script));
  script.replaceWith(fresh);
}

// --- history and scroll ------------------------------------------------------------------

function pushEntry(url) {
  rememberScroll();
  shared.entry = newEntryId();
  window.history.pushState({ kite: { id: shared.entry } }, '', url);
}

function applyScroll(scroll) {
  if (scroll === 'keep') return;
  if (scroll === 'top') {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) ?? document.getElementsByName(id)[0] : null;
    if (target) target.scrollIntoView();
    else scrollTo(0, 0);
    return;
  }
  scrollTo(scroll.x, scroll.y);
}

function fullLoad(url, history) {
  if (history === 'push') location.assign(url);
  else location.replace(url);
}

// --- focus -------------------------------------------------------------------------------

/**
 * Focus after a swap, as SvelteKit does: the first [autofocus] element, else <body> (made
 * focusable for the moment, so that the next Tab starts from the top of the page).
 */
export function resetFocus() {
  const autofocus = document.querySelector('[autofocus]');
  if (autofocus instanceof HTMLElement || autofocus instanceof SVGElement) {
    autofocus.focus();
    return;
  }
  const { body } = document;
  const tabindex = body.getAttribute('tabindex');
  body.tabIndex = -1;
  body.focus({ preventScroll: true, focusVisible: false });
  if (tabindex === null) body.removeAttribute('tabindex');
  else body.setAttribute('tabindex', tabindex);
  // A selection left from the old page would read as if it were on the new one.
  const selection = getSelection();
  if (selection && selection.type === 'Range') selection.removeAllRanges();
}
