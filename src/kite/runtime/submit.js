// Submitting an enhanced form: the request SvelteKit's enhance makes, aria-busy, and the
// default behaviour for each result (update()). The public side is forms.js.

import { encodeData, readResult } from './data.js';
import {
  addEventListener,
  formDataOf,
  removeAttribute,
  removeEventListener,
  resetForm,
  setAttribute,
  submission,
} from './dom.js';
import { goto } from './navigation.js';
import { renderRequest, showDocument } from './render.js';
import { shared } from './shared.js';
import { actionLocation, isCurrentLocation } from './urls.js';

/** @typedef {import('./forms.js').ActionResult} ActionResult */
/** @typedef {import('./forms.js').SubmitFunction} SubmitFunction */

const RESULT_TYPES = new Set(['success', 'failure', 'redirect', 'error']);
// Proxies cap a single header line (nginx: 8K by default); past this the token is left out
// and the server runs the loads instead, which is slower but just as right.
const MAX_HEADER_TOKEN = 6 * 1024;
const FILE_ERROR =
  'Your form contains <input type="file"> fields, but is missing the necessary `enctype="multipart/form-data"` attribute. ' +
  'This will lead to inconsistent behavior between enhanced and native forms. For more details, see https://github.com/sveltejs/kit/issues/9819.';

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
  // GET forms are navigation (start.js); formmethod="dialog" closes its dialog natively.
  if (method !== 'post') return;
  event.preventDefault();
  const custom = typeof submit === 'function';
  if (!custom && (shared.inflight.get(form) ?? 0) > 0) return;

  const formData = formDataOf(form, submitter);
  if (shared.current.dev && enctype !== 'multipart/form-data') {
    for (const value of formData.values()) {
      if (value instanceof File) throw new Error(FILE_ERROR);
    }
  }
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
    const update = (options) => defaultUpdate(result, options, { form, document, since });
    if (own) await callback({ action, formData, formElement: form, result, update });
    else await update();
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

/**
 * The default behaviour for a result (`update()`): reset on success, then show the result —
 * in place when it belongs to this page, else on the action's page (a navigation).
 */
async function defaultUpdate(result, options = {}, { form, document, since }) {
  const { reset = true, invalidateAll, refreshAll, navigate = true } = options;
  const refresh = refreshAll ?? invalidateAll ?? result.type === 'success';
  if (result.type === 'success' && reset) resetForm(form);
  if (result.type === 'redirect') {
    if (since === shared.navigation) await goto(result.location);
    return;
  }
  if (navigate && !isCurrentLocation(result.location, location.href)) {
    await showResult(result, result.location, refresh, { history: 'push', since });
    return;
  }
  // The page the server sent along is right if it was rendered as this update wants it:
  // loads run after a success, not after a failure.
  if (document !== null && refresh === (result.type === 'success')) {
    showDocument(document, { focus: result.type === 'success' ? 'reset' : 'keep', since });
    return;
  }
  await showResult(result, location.href, refresh, { history: 'none', since });
}

/** A render request showing `result` on the page at `url`. */
export function showResult(result, url, refresh, { history, since }) {
  const error = result.type === 'error' ? errorBody(result) : null;
  const payload = {
    form: error ? null : formText(result),
    status: error ? error.status : pageStatus(result),
    error,
    token: shared.current.token,
    refresh,
  };
  return renderRequest(url, payload, {
    history,
    since,
    scroll: history === 'push' ? 'top' : 'keep',
    // A failure leaves focus where the user is; anything else starts over.
    focus: history === 'push' || result.type !== 'failure' ? 'reset' : 'keep',
  });
}

/** The result's data as a devalue string: the server's own when it is unchanged. */
function formText(result) {
  if (result.data === undefined || result.data === null) return null;
  const raw = shared.rawData.get(result);
  if (raw && raw.value === result.data) return raw.raw;
  return encodeData(result.data);
}

/** The status to render a success or failure with (a result built by hand may have none). */
function pageStatus(result) {
  const status = result.status;
  const fallback = result.type === 'failure' ? 400 : 200;
  return Number.isInteger(status) && ((status >= 200 && status < 300) || (status >= 400 && status < 600))
    ? status
    : fallback;
}

function errorBody(result) {
  const error = result.error;
  const given = result.status ?? error?.status;
  const status = Number.isInteger(given) && given >= 400 && given < 600 ? given : 500;
  if (error === null || typeof error !== 'object') {
    return { message: error === undefined ? 'Internal Error' : String(error), status };
  }
  return { ...error, message: String(error.message ?? 'Internal Error'), status };
}
