// Showing an action result: the default behaviour for each result (update()) and the render
// request behind applyAction(). Loaded on demand (submit.js starts loading it with the
// action request; forms.js when applyAction is called).

import { pick } from './data.js';
import { resetForm } from './dom.js';
import { goto } from './navigation.js';
import { renderRequest, showDocument } from './render.js';
import { shared } from './shared.js';
import { isCurrentLocation } from './urls.js';

/**
 * The default behaviour for a result (`update()`): reset on success, then show the result —
 * in place when it belongs to this page, else on the action's page (a navigation).
 *
 * @param {import('./forms.js').ActionResult} result
 * @param {import('./forms.js').UpdateOptions} [options]
 * @param {{form: HTMLFormElement, since: number, included?: {document: string | null, swaps: number} | null}} submitted
 */
export async function defaultUpdate(result, options = {}, { form, since, included = null }) {
  const { reset = true, invalidateAll, refreshAll, navigate = true } = options;
  const refresh = refreshAll ?? invalidateAll ?? result.type === 'success';
  if (result.type === 'success' && reset) resetForm(form);
  if (result.type === 'redirect') {
    if (since === shared.navigation) await goto(result.location);
    return;
  }
  const here = isCurrentLocation(result.location, location.href);
  const elsewhere = navigate && !here;
  // The page that came with the action's response, when it is the one wanted here.
  const document = (here || elsewhere) && included ? usableDocument(result, included, refresh) : null;
  if (document !== null) {
    const options = elsewhere
      ? { history: 'push', url: result.location, scroll: 'top', focus: 'reset' }
      : { focus: result.type === 'failure' ? 'invalid' : 'stay' };
    showDocument(document, { ...options, since, form, result, status: result.status });
    return;
  }
  if (elsewhere) {
    await showResult(result, result.location, refresh, { history: 'push', since, form });
    return;
  }
  await showResult(result, location.href, refresh, { history: 'none', since, form });
}

/**
 * The page the action's response brought, if showing it is right: it was rendered as
 * `refresh` asks (loads run after a success, not after a failure; an error page either
 * way), and no other page was
 * swapped in since the action was sent — that one may show newer data than this one, which
 * must never come back (then a render request asks for the page again, from current data).
 *
 * @param {import('./forms.js').ActionResult} result
 * @param {{document: string | null, swaps: number}} included
 * @param {boolean} refresh
 * @returns {string | null}
 */
export function usableDocument(result, included, refresh) {
  if (included.document === null || included.swaps !== shared.swaps) return null;
  // An error page is the same whichever way the loads would have run.
  if (result.type === 'error') return included.document;
  return refresh === (result.type === 'success') ? included.document : null;
}

/**
 * `applyAction(result)`: the result on this page, never a navigation. A result of an
 * enhanced submission brought its page along; a result built or fetched by hand has none,
 * and is rendered by a render request from the page's sealed data.
 *
 * @param {import('./forms.js').ActionResult} result
 * @param {{since: number, form: HTMLFormElement | null, included?: {document: string | null, swaps: number}}} context
 */
export async function applyResult(result, { since, form, included }) {
  const here = included && isCurrentLocation(result.location, location.href);
  const document = here ? usableDocument(result, included, result.type === 'success') : null;
  if (document !== null) {
    const focus = result.type === 'failure' ? 'invalid' : 'stay';
    showDocument(document, { focus, since, form, result, status: result.status });
    return;
  }
  await showResult(result, location.href, false, { history: 'none', since, form });
}

/**
 * A render request showing `result` on the page at `url`.
 *
 * @param {import('./forms.js').ActionResult} result
 * @param {string | URL} url
 * @param {boolean} refresh whether the page's loads run
 * @param {{history: 'push' | 'none', since: number, form?: HTMLFormElement | null}} options
 */
export async function showResult(result, url, refresh, { history, since, form = null }) {
  const error = result.type === 'error' ? errorBody(result) : null;
  const payload = {
    form: error ? null : await formText(result),
    status: error ? error.status : pageStatus(result),
    error,
    token: shared.current.token,
    refresh,
  };
  // A failure shown here moves focus to its first invalid field; in place, focus stays
  // where the person is; another page starts over.
  let focus = result.type === 'failure' ? 'invalid' : 'stay';
  if (history === 'push') focus = 'reset';
  await renderRequest(url, payload, {
    history,
    since,
    scroll: history === 'push' ? 'top' : 'keep',
    focus,
    form,
    result,
  });
}

/** The result's data as a devalue string: the server's own when it is unchanged. */
async function formText(result) {
  if (result.data === undefined || result.data === null) return null;
  const raw = shared.rawData.get(result);
  if (raw && raw.value === result.data) return raw.raw;
  // Data built in the browser: the only case that needs devalue's writer.
  const { stringify } = await import('./stringify.js');
  return stringify(result.data, pick(shared.transport, 'encode'));
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
