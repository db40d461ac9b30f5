// The runtime's entry, loaded by every page through %kite.head%:
//
// - reads the page state (#kite-page) into `page`;
// - enhances every `form[data-enhance]` / `form[use:enhance]`, and every form matching a
//   selector given to enhance() (forms.js), including forms added later;
// - loads client-side navigation (links.js) when the page asks for it: GET forms with
//   data-enhance, [data-kite-navigate], a formmethod="get" button;
// - tracks history entries and their scroll positions, and hands back and forward between
//   the entries the runtime made to links.js;
// - marks <html data-kite-ready> once all of this is in place;
// - then, once the browser is idle, loads what a submission, a result or a navigation needs,
//   so that none of them waits for code, the first one included, and live validation
//   (validate.js) for `form[data-validate]`.
//
// A page works without any of it: everything here only replaces what the browser would do.

import { recordServerState } from './baseline.js';
import { adoptPageState, readPageState } from './current.js';
import { formProperty } from './dom.js';
import { entryState, newEntryId, rememberScroll } from './entries.js';
import { shared } from './shared.js';
import { enhanceForm } from './submit.js';

const ENHANCED = 'form[data-enhance], form[use\\:enhance]';
// What only client-side navigation handles (links.js); a method-less form is a GET form.
const NAVIGATES =
  '[data-kite-navigate], [formmethod="get" i], ' +
  'form:is([data-enhance], [use\\:enhance]):not([method="post" i], [method="dialog" i])';

async function start() {
  if (shared.started) return;
  shared.started = true;
  shared.nonce = document.querySelector('script[nonce]')?.nonce ?? '';
  adoptPageState(readPageState(document));
  recordServerState(document);

  history.scrollRestoration = 'manual';
  const entry = history.state?.kite;
  shared.entry = entry?.id ?? newEntryId();
  history.replaceState(entryState(shared.entry), '');
  const [timing] = performance.getEntriesByType('navigation');
  if (entry && typeof entry.x === 'number' && timing?.type !== 'navigate') scrollTo(entry.x, entry.y);

  shared.enhanceAll = enhanceAll;
  enhanceAll();
  new MutationObserver(onMutations).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-enhance', 'use:enhance', 'data-kite-navigate', 'method', 'formmethod'],
  });
  addEventListener('popstate', (event) => links().then((module) => module.onPopState(event)));
  addEventListener('scroll', onScroll, { passive: true });
  addEventListener('pagehide', rememberScroll);
  // Ready means ready to navigate too, when the page navigates client-side.
  if (shared.links) await shared.links.catch(() => undefined);
  document.documentElement.setAttribute('data-kite-ready', '');
  // After ready, never before: what loads before the page is interactive stays as small.
  (globalThis.requestIdleCallback ?? setTimeout)(preload);
}

// Every module by name, all at once: imported one by one through their own imports, each
// level would cost a round trip of its own.
function preload() {
  const ignore = () => undefined;
  for (const module of [
    import('./results.js'),
    import('./render.js'),
    import('./morph.js'),
    import('./failure.js'),
    import('./navigation.js'),
    import('./stringify.js'),
    links(),
    import('./validate.js'),
    import('./upload.js'),
  ]) {
    module.catch(ignore);
  }
  if (shared.current.dev) import('./dev.js').catch(ignore);
}

function enhanceAll() {
  // Selectors given to enhance() first: their forms get the page script's function.
  for (const [selector, submit] of shared.selectors) {
    for (const form of document.querySelectorAll(selector)) {
      const post = form instanceof HTMLFormElement && formProperty(form, 'method') === 'post';
      if (post && shared.enhanced.get(form)?.submit !== submit) enhanceForm(form, submit);
    }
  }
  for (const form of document.querySelectorAll(ENHANCED)) {
    if (!shared.enhanced.has(form)) enhanceForm(form);
  }
  if (!shared.links && document.querySelector(NAVIGATES)) links();
}

/** Client-side navigation, loaded once. */
function links() {
  shared.links ??= import('./links.js');
  return shared.links;
}

/** Forms swapped in, or given data-enhance, later. */
function onMutations(mutations) {
  const added = (mutation) => [...mutation.addedNodes].some((node) => node.nodeType === Node.ELEMENT_NODE);
  if (mutations.some((mutation) => mutation.type === 'attributes' || added(mutation))) enhanceAll();
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
