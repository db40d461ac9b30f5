// Live validation of `form[data-validate]` (docs/typed-forms.md, docs/enhanced-forms.md).
//
// Loaded once the page is idle (start.js), never before it is interactive; it then watches
// the page for such forms itself. A field is first
// checked when it is left, then again as it is edited (after a pause). The browser checks
// the constraints the markup carries (required, lengths, ranges, pattern) and words them as
// Kite does; when a field passes those, the server is asked about the whole form
// (`x-kite-validate: 1`, docs/runtime-design.md), which runs no action and no load. Only the
// fields a person has left show messages, in the markup a failed submission has: the
// control's `aria-invalid` and `aria-describedby`, and `<p class="kite-field-error">`.
// Submitting is unchanged: the server validates the submission as always.

import { HIDDEN } from './failure.js';
import {
  addEventListener,
  closest,
  formProperty,
  getAttribute,
  hasAttribute,
  insertBefore,
  nextSibling,
  parentNode,
  removeAttribute,
  setAttribute,
} from './dom.js';

const VALIDATED = 'form[data-validate]';
const DELAY = 300;
const SKIPPED = new Set(['file', 'hidden', 'submit', 'button', 'reset', 'image']);
// The browser's checks, in kite.forms.messages's words (tests/runtime keeps them in step).
const WORDS = {
  valueMissing: 'This field is required.',
  typeMismatch: 'This is not in the expected format.',
  url: 'Enter a web address (https://…).',
  patternMismatch: 'This is not in the expected format.',
  tooShort: ['Use at least {} characters.', 'Use at least {} character.', 'minlength'],
  tooLong: ['Use at most {} characters.', 'Use at most {} character.', 'maxlength'],
  rangeUnderflow: 'Enter a number of at least {}.',
  rangeOverflow: 'Enter a number of at most {}.',
  whole: 'Enter a whole number.',
  number: 'Enter a number.',
  multiple: 'Enter a multiple of {}.',
  date: 'Enter a date.',
  other: 'This value is not valid.',
};

/** @type {WeakMap<HTMLFormElement, ReturnType<typeof watch>>} */
const watched = new WeakMap();

/** Watches every `form[data-validate]` not watched yet; the browser's bubbles stay off. */
function watchAll() {
  for (const form of document.querySelectorAll(VALIDATED)) {
    if (!hasAttribute(form, 'novalidate')) setAttribute(form, 'novalidate', '');
    if (!watched.has(form)) watched.set(form, watch(form));
  }
}

// Now (the page is idle), and whenever forms appear, or get data-validate, or lose
// novalidate in an update.
watchAll();
new MutationObserver(watchAll).observe(document.documentElement, {
  childList: true,
  subtree: true,
  attributes: true,
  attributeFilter: ['data-validate', 'novalidate'],
});

function watch(form) {
  const state = { touched: new Set(), timers: new Map(), inflight: false, again: false, server: true };
  addEventListener(form, 'focusout', (event) => {
    const control = controlOf(form, event.target);
    if (!control) return;
    state.touched.add(getAttribute(control, 'name'));
    // Left for one of the form's submit buttons: the browser's checks only, since the
    // submission about to be sent is validated by the server anyway.
    check(form, state, control, !submits(form, event.relatedTarget));
  });
  // A check still waiting for its pause would only repeat what the submission finds out.
  addEventListener(form, 'submit', () => {
    for (const timer of state.timers.values()) clearTimeout(timer);
  });
  addEventListener(form, 'input', (event) => {
    const control = controlOf(form, event.target);
    const name = control && getAttribute(control, 'name');
    if (!control || !state.touched.has(name)) return;
    clearTimeout(state.timers.get(name));
    state.timers.set(name, setTimeout(() => check(form, state, control), DELAY));
  });
  return state;
}

function submits(form, target) {
  const button = target instanceof HTMLButtonElement || target instanceof HTMLInputElement;
  return button && target.form === form && ['submit', 'image'].includes(target.type);
}

function controlOf(form, target) {
  const field = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
  if (!field || target.form !== form || !getAttribute(target, 'name')) return null;
  return SKIPPED.has(target.type) ? null : target;
}

function check(form, state, control, server = true) {
  const message = browserMessage(control);
  if (message) {
    show(control, message, 'browser');
    return;
  }
  if (errorOf(control)?.dataset.kiteLive !== 'server') clear(control);
  if (server) ask(form, state);
}

/**
 * What the browser's own checks find wrong with the control, in Kite's words; null when
 * they find nothing (the server may still).
 *
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 */
export function browserMessage(control) {
  const validity = control.validity;
  if (!control.willValidate || validity.valid) return null;
  const type = getAttribute(control, 'type');
  const fill = (text, attribute) => text.replace('{}', getAttribute(control, attribute));
  const counted = ([many, one, attribute]) => fill(getAttribute(control, attribute) === '1' ? one : many, attribute);
  const whole = getAttribute(control, 'step') === '1';
  if (validity.valueMissing) return WORDS.valueMissing;
  if (validity.badInput) return type === 'number' ? (whole ? WORDS.whole : WORDS.number) : type === 'date' ? WORDS.date : WORDS.other;
  if (validity.typeMismatch) return type === 'url' ? WORDS.url : WORDS.typeMismatch;
  if (validity.tooShort) return counted(WORDS.tooShort);
  if (validity.tooLong) return counted(WORDS.tooLong);
  if (validity.rangeUnderflow) return fill(WORDS.rangeUnderflow, 'min');
  if (validity.rangeOverflow) return fill(WORDS.rangeOverflow, 'max');
  if (validity.stepMismatch) return whole ? WORDS.whole : fill(WORDS.multiple, 'step');
  if (validity.patternMismatch) return WORDS.patternMismatch;
  return WORDS.other;
}

/** The form's text fields, as the validation request sends them (never files). */
function fields(form) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') params.append(name, value);
  return params.toString();
}

// One request per form at a time. What changes while it is out is asked about once it is
// back; an answer about values the form no longer has is dropped.
function ask(form, state) {
  if (!state.server) return;
  if (state.inflight) {
    state.again = true;
    return;
  }
  state.inflight = true;
  state.again = false;
  const body = fields(form);
  const target = getAttribute(form, 'data-validate');
  const url = new URL(target || formProperty(form, 'action'), location.href);
  const headers = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
    'x-kite-validate': '1',
  };
  fetch(url, { method: 'POST', headers, body, cache: 'no-store' })
    .then(async (response) => {
      // Nothing on the server validates this form: the browser's checks are all there is.
      if ([404, 405, 415].includes(response.status)) state.server = false;
      if (!response.ok) return;
      const { errors } = await response.json();
      if (fields(form) !== body) return;
      apply(form, state, errors ?? {});
    })
    .catch(() => undefined)
    .finally(() => {
      state.inflight = false;
      if (state.again && fields(form) !== body) ask(form, state);
    });
}

function apply(form, state, errors) {
  for (const name of state.touched) {
    // The prototype's getters: a control named "elements" would shadow the form's own.
    const elements = Reflect.get(HTMLFormElement.prototype, 'elements', form);
    const control = [...elements].find((element) => getAttribute(element, 'name') === name);
    if (!control || browserMessage(control)) continue;
    if (typeof errors[name] === 'string') show(control, errors[name], 'server');
    else clear(control);
  }
  EventTarget.prototype.dispatchEvent.call(form, new CustomEvent('kite:validated', { detail: { errors } }));
}

function errorId(control) {
  let id = getAttribute(control, 'id');
  if (!id) {
    id = `kite-${getAttribute(control, 'name').replace(/[^A-Za-z0-9_-]+/g, '-')}`;
    setAttribute(control, 'id', id);
  }
  return `${id}-error`;
}

function errorOf(control) {
  return document.getElementById(errorId(control));
}

function show(control, message, source) {
  const id = errorId(control);
  let error = errorOf(control);
  if (!error) {
    error = document.createElement('p');
    error.className = 'kite-field-error';
    error.id = id;
    // Where typed forms' field() writes it: last in the field's box; else after the control.
    const box = closest(control, '.kite-field');
    if (box) box.append(error);
    else insertBefore(parentNode(control), error, nextSibling(control));
  }
  error.dataset.kiteLive = source;
  const changed = error.textContent !== message || getAttribute(control, 'aria-invalid') !== 'true';
  error.textContent = message;
  setAttribute(control, 'aria-invalid', 'true');
  const described = (getAttribute(control, 'aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  if (!described.includes(id)) setAttribute(control, 'aria-describedby', [...described, id].join(' '));
  closest(control, '.kite-field')?.classList.add('kite-field-invalid');
  if (changed) say(message);
}

function clear(control) {
  const id = errorId(control);
  errorOf(control)?.remove();
  removeAttribute(control, 'aria-invalid');
  const described = (getAttribute(control, 'aria-describedby') ?? '').split(/\s+/).filter((token) => token && token !== id);
  if (described.length) setAttribute(control, 'aria-describedby', described.join(' '));
  else removeAttribute(control, 'aria-describedby');
  closest(control, '.kite-field')?.classList.remove('kite-field-invalid');
}

// Told politely, after what the person is doing: a message shown while typing never takes
// focus and never interrupts.
function say(message) {
  let region = document.querySelector('[data-kite-polite]');
  if (!region) {
    region = document.createElement('div');
    region.setAttribute('data-kite-polite', '');
    region.setAttribute('aria-live', 'polite');
    region.setAttribute('style', HIDDEN);
    document.body.append(region);
  }
  region.textContent = message;
}
