import { SESSION_COOKIE, store } from '#lib/server/store.js';

/** @type {import('@sveltejs/kit').Handle} */
export async function handle({ event, resolve }) {
	event.locals.user = store.userForSession(event.cookies.get(SESSION_COOKIE));
	return resolve(event);
}
