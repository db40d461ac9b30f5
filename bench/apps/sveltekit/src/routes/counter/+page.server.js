// For bench/latency.py only: a form with a custom `enhance` callback (`add`) and an action
// that redirects (`leave`). The same as bench/apps/kite/src/routes/counter/.
import { redirect } from '@sveltejs/kit';

const COOKIE = 'count';

function count(cookies) {
	const value = cookies.get(COOKIE) ?? '0';
	return /^\d{1,9}$/.test(value) ? Number(value) : 0;
}

export function load({ cookies }) {
	return { count: count(cookies) };
}

/** @type {import('./$types').Actions} */
export const actions = {
	add: async ({ cookies }) => {
		const added = count(cookies) + 1;
		cookies.set(COOKIE, String(added), { path: '/' });
		return { added };
	},
	leave: async () => {
		redirect(303, '/todos');
	}
};
