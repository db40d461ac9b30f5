// DOM access that a form cannot clobber.
//
// A form's controls are also properties of the form: with <input name="action"> inside,
// `form.action` is that input, and <input name="nextSibling"> would even break walking the
// tree. So the runtime never reads a property of an element it did not make; it calls the
// prototypes' getters and methods on it instead.

const uncurry = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => uncurry(Object.getOwnPropertyDescriptor(proto, name).get);

export const firstChild = getter(Node.prototype, 'firstChild');
export const nextSibling = getter(Node.prototype, 'nextSibling');
export const parentNode = getter(Node.prototype, 'parentNode');
export const nodeType = getter(Node.prototype, 'nodeType');
export const isConnected = getter(Node.prototype, 'isConnected');
export const localName = getter(Element.prototype, 'localName');
export const attributes = getter(Element.prototype, 'attributes');

export const getAttribute = uncurry(Element.prototype.getAttribute);
export const hasAttribute = uncurry(Element.prototype.hasAttribute);
export const setAttribute = uncurry(Element.prototype.setAttribute);
export const removeAttribute = uncurry(Element.prototype.removeAttribute);
export const closest = uncurry(Element.prototype.closest);
export const querySelectorAll = uncurry(Element.prototype.querySelectorAll);
export const insertBefore = uncurry(Node.prototype.insertBefore);
export const removeChild = uncurry(Node.prototype.removeChild);
export const addEventListener = uncurry(EventTarget.prototype.addEventListener);
export const removeEventListener = uncurry(EventTarget.prototype.removeEventListener);

/** Removes a node from its parent, whatever the parent contains. */
export function detach(node) {
  const parent = parentNode(node);
  if (parent) removeChild(parent, node);
}

/**
 * A form's own property (`action`, `method`, `enctype`, `target`) as the browser computes it,
 * never one of its controls.
 *
 * @param {HTMLFormElement} form
 * @param {'action' | 'method' | 'enctype' | 'target'} name
 * @returns {string}
 */
export function formProperty(form, name) {
  return Reflect.get(HTMLFormElement.prototype, name, form);
}

/** Native `form.reset()`: every control back to the value the markup gives it. */
export function resetForm(form) {
  HTMLFormElement.prototype.reset.call(form);
}

/**
 * What the submission of `form` by `submitter` sends: method, action URL and enctype, the
 * submitter's `formmethod`/`formaction`/`formenctype` attributes taking precedence.
 *
 * @param {HTMLFormElement} form
 * @param {HTMLElement | null} submitter
 */
export function submission(form, submitter) {
  const own = (attribute) => submitter !== null && hasAttribute(submitter, attribute);
  const method = own('formmethod') ? submitter.formMethod : formProperty(form, 'method');
  const action = new URL(own('formaction') ? submitter.formAction : formProperty(form, 'action'));
  const enctype = own('formenctype') ? submitter.formEnctype : formProperty(form, 'enctype');
  const target = own('formtarget') ? getAttribute(submitter, 'formtarget') : getAttribute(form, 'target');
  return { method, action, enctype, target: target ?? '' };
}

/**
 * The form's fields with the submitter's name and value, as a native submission has them.
 *
 * @param {HTMLFormElement} form
 * @param {HTMLElement | null} submitter
 * @returns {FormData}
 */
export function formDataOf(form, submitter) {
  try {
    return new FormData(form, submitter ?? undefined);
  } catch {
    // An older browser without the submitter argument, or a submitter it refuses.
    const data = new FormData(form);
    const name = submitter && getAttribute(submitter, 'name');
    if (name) data.append(name, getAttribute(submitter, 'value') ?? '');
    return data;
  }
}
