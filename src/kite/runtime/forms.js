// Public API: progressively enhanced forms.
//
//   import { enhance, applyAction, deserialize, transport } from "/_kite/forms.js";
//
// SvelteKit's `$app/forms`, with the page update done Kite's way: the server renders the
// page again and the runtime swaps it in (docs/runtime-design.md). The work is in submit.js
// (sending) and results.js (showing the result, loaded on demand).

import { readResult, transport } from './data.js';
import { formProperty } from './dom.js';
import { shared } from './shared.js';
import { enhanceForm } from './submit.js';

export { transport };

/**
 * @typedef {{type: 'success', status: number, location?: string, data?: any}
 *   | {type: 'failure', status: number, location?: string, data?: any}
 *   | {type: 'redirect', status: number, location: string}
 *   | {type: 'error', status?: number, location?: string, error: any}} ActionResult
 *
 * @typedef {object} UpdateOptions
 * @property {boolean} [reset] reset the form after a success (default true)
 * @property {boolean} [refreshAll] run the page's loads again (default: on success only)
 * @property {boolean} [invalidateAll] the older name of `refreshAll`
 * @property {boolean} [navigate] go to the action's page when it is another one (default true);
 *   false shows the result on the current page. Redirects are followed either way.
 *
 * @typedef {object} SubmitInput
 * @property {URL} action where the form posts (may be changed before it is sent)
 * @property {FormData} formData what it sends, submitter included (may be changed)
 * @property {HTMLFormElement} formElement
 * @property {AbortController} controller aborts this submission: its callback then never runs
 * @property {HTMLElement | null} submitter the button that submitted, if any
 * @property {() => void} cancel send nothing
 *
 * @typedef {object} CallbackInput
 * @property {URL} action
 * @property {FormData} formData
 * @property {HTMLFormElement} formElement
 * @property {ActionResult} result
 * @property {(options?: UpdateOptions) => Promise<void>} update the default behaviour for this result
 *
 * @typedef {(input: SubmitInput) => void | ((input: CallbackInput) => unknown) | Promise<void | ((input: CallbackInput) => unknown)>} SubmitFunction
 */

/**
 * Reads the body of an action response (an ActionResult) into an object whose `data` is
 * the action's data. Custom types are read with the decoders registered on `transport`
 * plus `decoders`; one with no decoder becomes `{type: "Name", value: <payload>}`.
 *
 * @param {string} text
 * @param {Record<string, ((payload: any) => any) | {decode: (payload: any) => any}>} [decoders]
 * @returns {ActionResult}
 */
export function deserialize(text, decoders) {
  return readResult(text, decoders);
}

/**
 * Enhances a `<form method="POST">`: submissions are sent with `fetch` and the page is
 * updated in place (or the action's page shown) instead of loaded again.
 *
 * Given a CSS selector instead of a form, enhances every POST form that matches it, now and
 * whenever an update or a script adds one (`enhance("ul.todos form", submit)`).
 *
 * Enhancing a form a second time replaces the earlier enhancement, so a page script may run
 * again safely. A submission made while another of the same form is in flight is sent once
 * that one is done; without `submit` (the default behaviour) an identical one (same button,
 * same data) is ignored instead, so that a double click posts once.
 *
 * @param {HTMLFormElement | string} form a form, or a selector for forms present and future
 * @param {SubmitFunction} [submit] called before sending; may return a callback for the result
 * @returns {{destroy(): void}}
 */
export function enhance(form, submit) {
  if (typeof form === 'string') return enhanceSelector(form, submit);
  if (shared.current.dev && formProperty(form, 'method') !== 'post') {
    throw new Error('use:enhance can only be used on <form> fields with method="POST"');
  }
  const handle = enhanceForm(form, submit);
  shared.scripted.add(form);
  return handle;
}

function enhanceSelector(selector, submit) {
  // Checked now, so that a typo fails here and not in every later update.
  document.querySelectorAll(selector);
  shared.selectors.set(selector, submit);
  // start.js enhances the matching forms, and later ones as they appear.
  shared.enhanceAll();
  return {
    destroy() {
      if (shared.selectors.get(selector) !== submit) return;
      shared.selectors.delete(selector);
      for (const form of document.querySelectorAll(selector)) {
        const handle = shared.enhanced.get(form);
        if (handle?.submit === submit) handle.destroy();
      }
    },
  };
}

/**
 * Shows a result on the current page without navigating (except that a redirect is
 * followed): `page.form` and `page.status` become the result's, or the nearest error page
 * shows an error. Never resets the form. The result of an enhanced submission shows the
 * page its response brought (no request); a result built by hand is rendered from the
 * page's sealed data, loads not run. After a failure, focus
 * moves to the first invalid field of the form being submitted (else of the page) and its
 * error summary is announced (docs/enhanced-forms.md).
 *
 * @param {ActionResult} result
 * @returns {Promise<void>}
 */
export async function applyAction(result) {
  // Read now: by the time the modules below have loaded, another submission may have begun.
  const form = shared.submitted;
  const since = shared.navigation;
  if (result.type === 'redirect') {
    const { goto } = await import('./navigation.js');
    await goto(result.location);
    return;
  }
  const { applyResult } = await import('./results.js');
  await applyResult(result, { since, form, included: shared.included.get(result) });
}
