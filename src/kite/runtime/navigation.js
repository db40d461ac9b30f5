// Public API: client-side navigation and refreshing the current page.
//
//   import { goto, invalidateAll, refreshAll } from "/_kite/navigation.js";

import { navigate, renderRequest } from './render.js';
import { shared } from './shared.js';

/**
 * Navigates to `url` without a full page load: the page is fetched (its loads run), shown
 * in place of the current one, and a history entry is pushed. A URL on another origin is
 * loaded the ordinary way. Navigating drops `page.form`.
 *
 * @param {string | URL} url
 * @param {object} [options]
 * @param {boolean} [options.replaceState] replace the current history entry instead of pushing one
 * @param {boolean} [options.noScroll] keep the scroll position instead of going to the top (or the hash)
 * @param {boolean} [options.keepFocus] keep the focused element instead of resetting focus
 * @param {boolean} [options.invalidateAll] accepted for SvelteKit compatibility: loads always run
 * @param {boolean} [options.refreshAll] accepted for SvelteKit compatibility: loads always run
 * @returns {Promise<void>} settles once the new page is shown
 */
export async function goto(url, { replaceState = false, noScroll = false, keepFocus = false } = {}) {
  await navigate(url, {
    history: replaceState ? 'replace' : 'push',
    scroll: noScroll ? 'keep' : 'top',
    focus: keepFocus ? 'keep' : 'reset',
  });
}

/**
 * Runs every load of the current page again and shows the result in place. `page.form` and
 * `page.status` stay as they are (an error page stays an error page); focus and scroll too.
 *
 * @returns {Promise<void>} settles once the page is updated
 */
export async function refreshAll() {
  const { page, current } = shared;
  await renderRequest(
    location.href,
    {
      form: page.error ? null : current.form,
      status: page.status,
      error: page.error,
      token: current.token,
      refresh: true,
    },
    { history: 'none', scroll: 'keep', focus: 'keep', since: shared.navigation },
  );
}

/**
 * The older name of `refreshAll` (deprecated in SvelteKit 3).
 *
 * @returns {Promise<void>}
 */
export function invalidateAll() {
  return refreshAll();
}
