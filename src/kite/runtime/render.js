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
 * @property {'reset' | 'keep' | 'stay' | 'invalid'} [focus] reset focus (autofocus, else
 *   <body>), keep it, stay with the person (autofocus, else the element that had focus or its
 *   replacement), or report a failure: its first invalid field, else as 'stay', and announce
 *   its error summary
 * @property {HTMLFormElement | null} [form] the form whose failure is shown (focus 'invalid')
 * @property {number} [since] the navigation this update belongs to; dropped if another began
 * @property {object | null} [result] the action result shown, if any (for `kite:updated`)
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
  let mode = history === 'push' && final.href === location.href ? 'replace' : history;
  // Back/forward to an entry whose page now redirects: the entry takes the target's URL.
  if (mode === 'none' && final.href !== location.href) mode = 'replace';
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
 * Shows a document the server sent inside an action result (the one-round-trip path): in
 * place, or as the page at `url` with a history entry pushed (a result of another page).
 *
 * @param {string} html
 * @param {ShowOptions & {url?: string | URL, status?: number}} options
 */
export function showDocument(html, options) {
  const { since, history = 'none' } = options;
  if (since !== undefined && since !== shared.navigation) return;
  if (history === 'push') shared.navigation += 1;
  const next = parseDocument(html);
  const url = new URL(options.url ?? location.href, location.href);
  const state = readPageState(next);
  // Another page without the runtime (`csr = False`) must work natively: load it.
  if (state === null && history === 'push') return fullLoad(url, history);
  // The page JSON says its status; a page without it (the plain fallback error page) has
  // the result's.
  show(next, state, options.status ?? 200, { ...options, url });
  return undefined;
}

function parseDocument(html) {
  return new DOMParser().parseFromString(html, 'text/html');
}

function show(next, state, status, options) {
  const { url, history = 'none', scroll = 'keep', focus = 'keep', form = null, result = null } = options;
  if (state?.version && shared.current.version && state.version !== shared.current.version) {
    shared.updated = true;
  }
  if (history === 'push') pushEntry(url);
  else if (history === 'replace') window.history.replaceState(entryState(shared.entry), '', url);
  const place = form && formPlace(form);
  const focused = focusedPlace();
  const inserted = morphDocument(next);
  shared.swaps += 1;
  adoptPageState(state, status);
  runScripts(inserted);
  applyScroll(scroll);
  if (focus === 'reset') resetFocus();
  else if (focus === 'stay') stayFocus(focused);
  else if (focus === 'invalid' && !reportFailure(place && findForm(place))) stayFocus(focused);
  // Page scripts re-apply what is theirs; after a navigation there is no form or result.
  const detail = { form: form && form.isConnected ? form : null, result, url: shared.page.url };
  document.dispatchEvent(new CustomEvent('kite:updated', { detail }));
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
  for (const { name, value } of script.attributes) {
    if (name !== 'nonce') fresh.setAttribute(name, value);
  }
  // The document's policy knows the nonce of the first response only, not this one's.
  if (shared.nonce) fresh.nonce = shared.nonce;
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
 * Focus after a swap that starts over (navigation, errors of another page), as SvelteKit
 * does: the first [autofocus] element, else <body> (made focusable for the moment, so that
 * the next Tab starts from the top of the page).
 */
export function resetFocus() {
  if (focusAutofocus()) return;
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

function focusAutofocus() {
  const autofocus = document.querySelector('[autofocus]');
  if (!(autofocus instanceof HTMLElement || autofocus instanceof SVGElement)) return false;
  autofocus.focus();
  return true;
}

/** The focused element, and what finds its replacement if the swap removes it. */
function focusedPlace() {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  return {
    element,
    id: element.id,
    tag: element.localName,
    name: element.getAttribute('name'),
    value: element.getAttribute('value'),
  };
}

/**
 * Focus after a result shown in place: an [autofocus] element of the page takes it, else
 * the element that had it keeps it (or the element that replaced it: same id, or same tag,
 * name and value) — so that a keyboard user goes on from where they were, never from <body>.
 */
function stayFocus(place) {
  if (focusAutofocus() || place === null) return;
  let { element } = place;
  if (!element.isConnected) {
    const twin = (other) => other.getAttribute('name') === place.name && other.getAttribute('value') === place.value;
    element =
      (place.id && document.getElementById(place.id)) || [...document.body.querySelectorAll(place.tag)].find(twin);
  }
  if (element && document.activeElement !== element) element.focus({ preventScroll: true });
}
