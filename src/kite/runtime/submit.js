// Submitting an enhanced form: the request SvelteKit's enhance makes, and aria-busy. What
// happens with the result (update()) is in results.js, which is loaded while the request is
// under way: a page that is never submitted never downloads it. The public side is forms.js.

import { readResult } from './data.js';
import {
  addEventListener,
  formDataOf,
  removeAttribute,
  removeEventListener,
  setAttribute,
  submission,
} from './dom.js';
import { shared } from './shared.js';
import { actionLocation, isCurrentLocation } from './urls.js';

/** @typedef {import('./forms.js').ActionResult} ActionResult */
/** @typedef {import('./forms.js').SubmitFunction} SubmitFunction */

const RESULT_TYPES = new Set(['success', 'failure', 'redirect', 'error']);
// Proxies cap a single header line (nginx: 8K by default); past this the token is left out
// and the server runs the loads instead, which is slower but just as right.
const MAX_HEADER_TOKEN = 6 * 1024;

/**
 * Enhances `form` (see `enhance` in forms.js, which also marks the form as enhanced by a
 * page script; the runtime calls this directly for `data-enhance` forms).
 *
 * @param {HTMLFormElement} form
 * @param {SubmitFunction} [submit]
 * @returns {{destroy(): void}}
 */
export function enhanceForm(form, submit) {
  shared.enhanced.get(form)?.destroy();
  const listener = (event) => handleSubmit(form, submit, event);
  addEventListener(form, 'submit', listener);
  const handle = {
    destroy() {
      if (shared.enhanced.get(form) !== handle) return;
      removeEventListener(form, 'submit', listener);
      shared.enhanced.delete(form);
      shared.scripted.delete(form);
    },
  };
  shared.enhanced.set(form, handle);
  return handle;
}

/** @param {SubmitEvent} event */
async function handleSubmit(form, submit, event) {
  const submitter = event.submitter ?? null;
  const { method, action, enctype } = submission(form, submitter);
  // GET forms are navigation (links.js); formmethod="dialog" closes its dialog natively.
  if (method !== 'post') return;
  event.preventDefault();
  const custom = typeof submit === 'function';
  if (!custom && (shared.inflight.get(form) ?? 0) > 0) return;

  const formData = formDataOf(form, submitter);
  if (shared.current.dev) (await import('./dev.js')).checkFiles(formData, enctype);
  // Fetched alongside the action request, so that it costs no round trip of its own.
  const results = import('./results.js');
  const controller = new AbortController();
  let cancelled = false;
  const since = shared.navigation;
  busy(form, 1);
  try {
    const input = { action, formData, formElement: form, controller, submitter, cancel: () => (cancelled = true) };
    const callback = custom ? await submit(input) : undefined;
    if (cancelled) return;
    const own = typeof callback === 'function';
    // Only a default submission to this very page gets the page in the same response.
    const render = !own && isCurrentLocation(actionLocation(action), location.href);
    const sent = await send(action, formData, enctype, controller.signal, render);
    if (sent === null) return; // aborted: no callback
    const { result, document } = sent;
    const update = async (options) => (await results).defaultUpdate(result, options, { form, document, since });
    if (!own) return await update();
    // applyAction() inside the callback reports a failure on this form (results.js).
    shared.submitted = form;
    await callback({ action, formData, formElement: form, result, update });
  } finally {
    busy(form, -1);
  }
}

function busy(form, change) {
  const count = (shared.inflight.get(form) ?? 0) + change;
  if (count > 0) {
    shared.inflight.set(form, count);
    setAttribute(form, 'aria-busy', 'true');
  } else {
    shared.inflight.delete(form);
    removeAttribute(form, 'aria-busy');
  }
}

/** POSTs the form as SvelteKit's enhance does; null when aborted. */
async function send(action, formData, enctype, signal, render) {
  const multipart = enctype === 'multipart/form-data';
  const headers = { accept: 'application/json', 'x-sveltekit-action': 'true', 'x-kite': '1' };
  if (!multipart) {
    // text/plain still gets a urlencoded body, as in SvelteKit.
    const known = enctype === 'application/x-www-form-urlencoded' || enctype === 'text/plain';
    headers['content-type'] = known ? enctype : 'application/x-www-form-urlencoded';
  }
  if (render) {
    const { token } = shared.current;
    headers['x-kite-render'] = token && token.length <= MAX_HEADER_TOKEN ? token : '1';
  }
  let response;
  let result;
  try {
    response = await fetch(action, {
      method: 'POST',
      headers,
      cache: 'no-store',
      body: multipart ? formData : new URLSearchParams(formData),
      signal,
    });
    result = readResult(await response.text());
  } catch (error) {
    if (signal.aborted || error?.name === 'AbortError') return null;
    return { result: { type: 'error', error: { message: 'Internal Error', status: 500 } }, document: null };
  }
  if (!result || typeof result !== 'object' || !RESULT_TYPES.has(result.type)) {
    // Not an ActionResult: a proxy's page, or a check before the action (CSRF, limits).
    const message = typeof result?.message === 'string' ? result.message : 'Internal Error';
    const status = response.status >= 400 ? response.status : 500;
    return { result: { type: 'error', status, error: { message, status } }, document: null };
  }
  if (result.type === 'error' || result.type === 'failure') result.status = response.status;
  const document = typeof result.kite?.document === 'string' ? result.kite.document : null;
  delete result.kite;
  return { result, document };
}
