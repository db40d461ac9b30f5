// Public API: what the page shown is.
//
//   import { page } from "/_kite/state.js";
//
// `page` is one object for the life of the tab, updated in place whenever the runtime shows
// a page: read its properties when you need them rather than copying them once.

import { shared } from './shared.js';

/**
 * `page.url` (a URL), `page.status`, `page.form` (the last action result's data shown on
 * this page, else null), `page.error` (the error shown, else null), `page.route.id` and
 * `page.params`.
 *
 * @type {import('./shared.js').PageState}
 */
export const page = shared.page;
