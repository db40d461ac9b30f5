// Client-side navigation: links inside [data-kite-navigate], GET forms with data-enhance (or
// inside [data-kite-navigate]), and back and forward between the entries the runtime made.
// Never for a target, a download, rel="external" or another origin.
//
// Loaded by start.js only when the page has something to navigate with (or on the first
// back/forward), so that a page of forms does not download it. The page swap itself
// (render.js) is loaded at the first navigation: deciding whether to take over a click has
// to happen at once, showing the next page does not.

import { closest, formDataOf, getAttribute, submission } from './dom.js';
import { entryState, newEntryId } from './entries.js';
import { shared } from './shared.js';
import { getFormUrl, isHashChange, isSameOrigin } from './urls.js';

const ENHANCED = 'form[data-enhance], form[use\\:enhance]';

// Two copies of this module may load (the versioned URL and the stable one): one set of
// listeners only.
if (!shared.navigating) {
  shared.navigating = true;
  document.addEventListener('click', onClick);
  document.addEventListener('submit', onSubmit);
}

/** Navigates client-side (render.js, loaded on the first call). */
async function navigate(url, options) {
  const render = await import('./render.js');
  await render.navigate(url, options);
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
  if (!isSameOrigin(url, location.href) || !/^https?:$/.test(url.protocol)) return;
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
  if (!enhanced || !isSameOrigin(action, location.href)) return;
  event.preventDefault();
  const url = getFormUrl(action, formDataOf(form, submitter));
  navigate(url, { history: url.href === location.href ? 'replace' : 'push' });
}

/**
 * Back and forward (start.js hands the event over).
 *
 * @param {PopStateEvent} event
 */
export function onPopState(event) {
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
