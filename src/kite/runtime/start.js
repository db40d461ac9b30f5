// The runtime's entry, loaded by every page through %kite.head%:
//
// - reads the page state (#kite-page) into `page`;
// - enhances every `form[data-enhance]` / `form[use:enhance]`, including forms added later;
// - navigates client-side for GET forms with data-enhance (or inside [data-kite-navigate])
//   and for links inside [data-kite-navigate] — never for a target, a download,
//   rel="external" or another origin;
// - handles back and forward between the entries it made;
// - marks <html data-kite-ready> once all of this is in place.
//
// A page works without any of it: everything here only replaces what the browser would do.

import { closest, formDataOf, getAttribute, submission } from './dom.js';
import { enhanceForm } from './submit.js';
import { recordServerState } from './morph.js';
import {
  adoptPageState,
  entryState,
  navigate,
  newEntryId,
  readPageState,
  rememberScroll,
} from './render.js';
import { shared } from './shared.js';
import { getFormUrl, isHashChange } from './urls.js';

const ENHANCED = 'form[data-enhance], form[use\\:enhance]';

function start() {
  if (shared.started) return;
  shared.started = true;
  adoptPageState(readPageState(document));
  recordServerState(document);

  history.scrollRestoration = 'manual';
  const entry = history.state?.kite;
  shared.entry = entry?.id ?? newEntryId();
  history.replaceState(entryState(shared.entry), '');
  const [timing] = performance.getEntriesByType('navigation');
  if (entry && typeof entry.x === 'number' && timing?.type !== 'navigate') scrollTo(entry.x, entry.y);

  enhanceAll();
  new MutationObserver(onMutations).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-enhance', 'use:enhance'],
  });
  document.addEventListener('click', onClick);
  document.addEventListener('submit', onSubmit);
  addEventListener('popstate', onPopState);
  addEventListener('scroll', onScroll, { passive: true });
  addEventListener('pagehide', rememberScroll);
  document.documentElement.setAttribute('data-kite-ready', '');
}

function enhanceAll() {
  for (const form of document.querySelectorAll(ENHANCED)) {
    if (!shared.enhanced.has(form)) enhanceForm(form);
  }
}

/** Forms swapped in, or given data-enhance, later. */
function onMutations(mutations) {
  const added = (mutation) => [...mutation.addedNodes].some((node) => node.nodeType === Node.ELEMENT_NODE);
  if (mutations.some((mutation) => mutation.type === 'attributes' || added(mutation))) enhanceAll();
}

/** Whether the nearest [data-kite-navigate] around `element` asks for client navigation. */
function navigatesHere(element) {
  const scope = closest(element, '[data-kite-navigate]');
  return scope !== null && getAttribute(scope, 'data-kite-navigate') !== 'false';
}

/** @param {MouseEvent} event */
function onClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? closest(event.target, 'a[href], area[href]') : null;
  if (!link || !navigatesHere(link)) return;
  const target = link.getAttribute('target');
  if ((target && target !== '_self') || link.hasAttribute('download')) return;
  if ((link.getAttribute('rel') ?? '').split(/\s+/).includes('external')) return;
  const href = link instanceof SVGAElement ? link.href.baseVal : link.href;
  const url = new URL(href, document.baseURI);
  if (url.origin !== location.origin || !/^https?:$/.test(url.protocol)) return;
  // A jump within the page is the browser's own business.
  if (isHashChange(url, location.href)) return;
  event.preventDefault();
  navigate(url, { history: url.href === location.href ? 'replace' : 'push' });
}

/** GET forms: after any enhance() listener (on the form itself) has had its say. */
function onSubmit(event) {
  if (event.defaultPrevented) return;
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const submitter = event.submitter ?? null;
  const { method, action, target } = submission(form, submitter);
  if (method !== 'get' || (target && target !== '_self')) return;
  const enhanced = closest(form, ENHANCED) === form || navigatesHere(form);
  if (!enhanced || action.origin !== location.origin) return;
  event.preventDefault();
  const url = getFormUrl(action, formDataOf(form, submitter));
  navigate(url, { history: url.href === location.href ? 'replace' : 'push' });
}

/** @param {PopStateEvent} event */
function onPopState(event) {
  const entry = event.state?.kite;
  if (entry) {
    shared.entry = entry.id;
  } else {
    // An entry the browser made itself (a jump to #anchor): give it an id from now on.
    shared.entry = newEntryId();
    history.replaceState(entryState(shared.entry), '');
  }
  const saved = shared.scroll.get(shared.entry) ?? (typeof entry?.x === 'number' ? { x: entry.x, y: entry.y } : null);
  if (location.href.split('#')[0] === shared.page.url.href.split('#')[0]) {
    // The same document: nothing to fetch.
    shared.page.url = new URL(location.href);
    if (saved) scrollTo(saved.x, saved.y);
    return;
  }
  navigate(location.href, { history: 'none', scroll: saved ?? 'top', focus: 'reset' });
}

let scrollPending = false;

function onScroll() {
  if (scrollPending) return;
  scrollPending = true;
  requestAnimationFrame(() => {
    scrollPending = false;
    shared.scroll.set(shared.entry, { x: scrollX, y: scrollY });
  });
}

start();
