import { publicUser } from '#lib/server/store.js';

export function load({ locals }) {
	return { user: locals.user ? publicUser(locals.user) : null };
}
