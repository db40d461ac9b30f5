// The runtime's mutable state, in one object that every copy of these modules shares.
//
// Why a copy can exist: `%kite.head%` loads `/_kite/<version>/start.js`, while a page's own
// scripts import the stable alias `/_kite/forms.js`. The browser keys modules by URL, so it
// runs these files twice. Whatever a copy keeps in module variables would be invisible to
// the other, so nothing is kept there: all of it lives here, under a registered symbol on
// globalThis (the one global the runtime sets, besides `data-kite-ready` on <html>).

const KEY = Symbol.for('kite.runtime');

/**
 * @typedef {object} PageState
 * @property {URL} url the address of the page shown
 * @property {number} status the HTTP status it was rendered with (an action's status after one)
 * @property {any} form the data of the last action result applied to this page, else null
 * @property {{message: string, status?: number, [key: string]: any} | null} error the error shown, if any
 * @property {{id: string | null}} route the route id
 * @property {Record<string, string>} params the route parameters
 */

function create() {
  return {
    /** @type {PageState} */
    page: {
      url: new URL(globalThis.location?.href ?? 'http://localhost/'),
      status: 200,
      form: null,
      error: null,
      route: { id: null },
      params: {},
    },
    /** The page JSON of the document shown (#kite-page): its `form` string and data token. */
    current: { form: null, token: null, version: null, dev: false },
    /** Decoders (and encoders) for custom types, by name: `{Name: {decode, encode}}`. */
    transport: {},
    /** form → its enhancement, so that enhancing a form again replaces the earlier one. */
    enhanced: new WeakMap(),
    /** Forms enhanced by a page's own script (not by data-enhance): see render.js. */
    scripted: new Set(),
    /** form → number of submissions in flight (for aria-busy). */
    inflight: new WeakMap(),
    /** form → its last submission while in flight: `{key}` (an identical one is a double click). */
    pending: new WeakMap(),
    /** form → its last submission's turn: the next one is sent once it settles. */
    queue: new WeakMap(),
    /** result → what its response brought along: the page (`document`) and `swaps` at sending. */
    included: new WeakMap(),
    /** Bumped by every page swapped in: a page rendered before the last swap may be older. */
    swaps: 0,
    /** Selectors given to enhance(), with their submit functions: forms present and future. */
    selectors: new Map(),
    /** Enhances every form that should be and is not yet (start.js). */
    enhanceAll: () => undefined,
    /** result object → the devalue string its data came from, sent back for re-renders. */
    rawData: new WeakMap(),
    /** script the runtime re-created → the server's markup for it (see morph.js). */
    scriptSignatures: new WeakMap(),
    /** <details>/<dialog> → whether the server last rendered it open (see morph.js). */
    serverOpen: new WeakMap(),
    /** <html>/<body> → attribute names the server last rendered on it. */
    serverAttributes: new WeakMap(),
    /** Bumped by every navigation; a response started before the last one is dropped. */
    navigation: 0,
    /** This history entry's id, and the scroll position of each entry seen. */
    entry: 0,
    lastEntry: 0,
    scroll: new Map(),
    /** The CSP nonce of the document's first response, for the scripts the runtime runs. */
    nonce: '',
    /** How many scripts the runtime has run again (to give each run its own module URL). */
    runs: 0,
    /** The server's version changed under us: the next navigation loads the full page. */
    updated: false,
    started: false,
    /** links.js being loaded (a promise), once a page asked for client-side navigation. */
    links: null,
    /** Whether links.js has put its listeners on the document. */
    navigating: false,
    /** The form whose submit callback ran last: applyAction() reports a failure on it. */
    submitted: null,
  };
}

export const shared = (globalThis[KEY] ??= create());
