// Submitting an enhanced form: the request SvelteKit's enhance makes, aria-busy, and the
// order of submissions. What happens with the result (update()) is in results.js, which is
// preloaded once the page is idle (start.js). The public side is forms.js.
//
// Submissions of one form are sent one after the other: each waits until the one before it
// has been answered and its result applied, so that it carries the cookies and the page
// state that result left (a game that keeps its state in a cookie sees every key, in
// order). The submit function still runs at once, during the submit event.

import { readResult } from './data.js';
import {
  addEventListener,
  formDataOf,
  getAttribute,
  removeAttribute,
  removeEventListener,
  setAttribute,
  submission,
} from './dom.js';
import { shared } from './shared.js';
import { isSameOrigin } from './urls.js';

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
    submit,
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
  const formData = formDataOf(form, submitter);
  // A double click posts once: the same submitter with the same data as the last
  // submission, while that one is in flight. Anything else is a new submission and is sent.
  const last = { key: custom ? null : submissionKey(action, submitter, formData) };
  if (last.key !== null && shared.pending.get(form)?.key === last.key) return;
  shared.pending.set(form, last);
  // Taken now, synchronously, so that the order of submissions is the order of the events.
  const previous = shared.queue.get(form);
  let finished;
  const turn = new Promise((resolve) => (finished = resolve));
  shared.queue.set(form, turn);
  const controller = new AbortController();
  let cancelled = false;
  const since = shared.navigation;
  const updates = [];
  busy(form, 1);
  try {
    const input = { action, formData, formElement: form, controller, submitter, cancel: () => (cancelled = true) };
    // The user's code runs during the submit event, in dev as in production.
    const callback = custom ? await submit(input) : undefined;
    if (cancelled) return;
    if (shared.current.dev) (await import('./dev.js')).checkFiles(formData, enctype);
    await previous;
    if (controller.signal.aborted) return;
    // Preloaded when the page went idle; a submission made before that fetches it alongside
    // the action request, never after it.
    const results = import('./results.js');
    const sent = await send(action, formData, enctype, controller.signal, form);
    if (sent === null) return; // aborted: no callback
    const { result } = sent;
    shared.included.set(result, sent);
    const update = (options) => {
      const done = results.then((module) => module.defaultUpdate(result, options, { form, since, included: sent }));
      updates.push(done);
      return done;
    };
    if (typeof callback !== 'function') {
      await update();
      return;
    }
    // applyAction() inside the callback reports a failure on this form (results.js).
    shared.submitted = form;
    await callback({ action, formData, formElement: form, result, update });
  } finally {
    // The next submission of this form waits for every update this one started.
    await Promise.allSettled(updates);
    busy(form, -1);
    if (shared.pending.get(form) === last) shared.pending.delete(form);
    if (shared.queue.get(form) === turn) shared.queue.delete(form);
    finished();
  }
}

/** What makes two submissions the same: where, which button, and every field. */
function submissionKey(action, submitter, formData) {
  const fields = [...formData].map(([name, value]) =>
    typeof value === 'string' ? [name, value] : [name, value.name, value.size, value.lastModified],
  );
  const button = submitter ? [getAttribute(submitter, 'name'), getAttribute(submitter, 'value')] : null;
  return JSON.stringify([action.href, button, fields]);
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

/**
 * POSTs the form as SvelteKit's enhance does, asking for the page in the same response
 * (x-kite-token, on this origin only); null when aborted. What is sent along is kept with the result, so that
 * update() and applyAction() can tell whether the page came back as they need it.
 */
async function send(action, formData, enctype, signal, form) {
  const multipart = enctype === 'multipart/form-data';
  const { token } = shared.current;
  const headers = { accept: 'application/json', 'x-sveltekit-action': 'true', 'x-kite': '1' };
  // Another origin (a submit function may post elsewhere) gets neither the page's token nor
  // a header that would make its server answer a CORS preflight first.
  if (isSameOrigin(action, location.href)) {
    headers['x-kite-token'] = token && token.length <= MAX_HEADER_TOKEN ? token : '1';
  }
  if (!multipart) {
    // text/plain still gets a urlencoded body, as in SvelteKit.
    const known = enctype === 'application/x-www-form-urlencoded' || enctype === 'text/plain';
    headers['content-type'] = known ? enctype : 'application/x-www-form-urlencoded';
  }
  // A page swapped in after this was sent may show newer data than this answer's page.
  const swaps = shared.swaps;
  let response;
  let result;
  try {
    // With a file: XMLHttpRequest, which reports upload progress (upload.js).
    const post = multipart ? (await import('./upload.js')).poster(form) : fetch;
    response = await post(action, {
      method: 'POST',
      headers,
      cache: 'no-store',
      body: multipart ? formData : new URLSearchParams(formData),
      signal,
    });
    result = readResult(await response.text());
  } catch (error) {
    if (signal.aborted || error?.name === 'AbortError') return null;
    return { result: { type: 'error', error: { message: 'Internal Error', status: 500 } }, document: null, swaps };
  }
  if (!result || typeof result !== 'object' || !RESULT_TYPES.has(result.type)) {
    // Not an ActionResult: a proxy's page, or a check before the action (CSRF, limits).
    const message = typeof result?.message === 'string' ? result.message : 'Internal Error';
    const status = response.status >= 400 ? response.status : 500;
    return { result: { type: 'error', status, error: { message, status } }, document: null, swaps };
  }
  if (result.type === 'error' || result.type === 'failure') result.status = response.status;
  const document = typeof result.kite?.document === 'string' ? result.kite.document : null;
  delete result.kite;
  return { result, document, swaps };
}
