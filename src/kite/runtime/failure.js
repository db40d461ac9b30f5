// After a failure is shown on its own page: focus moves to the first invalid field and the
// error summary is announced, so that keyboard and screen reader users land where the
// problem is (docs/enhanced-forms.md). The server marks the fields (`aria-invalid="true"`)
// and renders the summary (`[data-kite-error-summary]`); this only acts on that markup.

import { getAttribute, isConnected, querySelectorAll } from './dom.js';

const INVALID = '[aria-invalid="true"]';
const SUMMARY = '[data-kite-error-summary]';
const ANNOUNCER = 'data-kite-announcer';
// Visually hidden, still read: the usual "sr-only" rules, inline so that no stylesheet is needed.
export const HIDDEN =
  'position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap';

/**
 * What identifies a form across a swap, taken before it: the morph usually keeps the form
 * element itself, but a changed page may replace it with a new one.
 *
 * @param {HTMLFormElement} form
 */
export function formPlace(form) {
  const action = getAttribute(form, 'action');
  const twins = [...document.forms].filter((other) => getAttribute(other, 'action') === action);
  return { form, id: getAttribute(form, 'id'), action, index: twins.indexOf(form) };
}

/**
 * The form after the swap: the same element if it is still there, else the one with its id,
 * else the one with its action at the same place among those with that action.
 *
 * @param {ReturnType<typeof formPlace>} place
 * @returns {HTMLFormElement | null}
 */
export function findForm({ form, id, action, index }) {
  if (isConnected(form)) return form;
  if (id) {
    const found = document.getElementById(id);
    return found instanceof HTMLFormElement ? found : null;
  }
  const twins = [...document.forms].filter((other) => getAttribute(other, 'action') === action);
  return twins[index] ?? null;
}

/**
 * Focuses the first invalid field (in `form`, else in the page) and announces the first error
 * summary (same order). With no invalid field, focus is left to the caller.
 *
 * @param {HTMLFormElement | null} form
 * @returns {boolean} whether a field took focus
 */
export function reportFailure(form) {
  const first = (selector) => (form && querySelectorAll(form, selector)[0]) ?? document.querySelector(selector);
  const field = first(INVALID);
  const focusable = field instanceof HTMLElement || field instanceof SVGElement;
  if (focusable) field.focus();
  const summary = first(SUMMARY);
  // innerText, not textContent: list items and paragraphs are read as separate sentences.
  if (summary) announce((summary.innerText ?? summary.textContent).replace(/\s+/g, ' ').trim());
  return focusable;
}

/**
 * Sets the live region's text. It is emptied first and filled a moment later, so that a
 * message equal to the last one is still a change, and is read again.
 *
 * @param {string} message
 */
export function announce(message) {
  let region = document.querySelector(`[${ANNOUNCER}]`);
  if (!region) {
    region = document.createElement('div');
    region.setAttribute(ANNOUNCER, '');
    region.setAttribute('aria-live', 'assertive');
    region.setAttribute('aria-atomic', 'true');
    region.setAttribute('style', HIDDEN);
    document.body.append(region);
  }
  region.textContent = '';
  const live = region;
  setTimeout(() => {
    live.textContent = message;
  });
}
