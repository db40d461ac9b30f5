import { fail } from '@sveltejs/kit';
import { MIN_PASSWORD_LENGTH, SESSION_COOKIE, SESSION_SECONDS, store } from '#lib/server/store.js';

export function load() {
	return { users: store.recentUsers(20) };
}

async function credentials(request) {
	const form = await request.formData();
	const email = form.get('email');
	const password = form.get('password');
	return [
		typeof email === 'string' ? email.trim() : '',
		typeof password === 'string' ? password : ''
	];
}

function startSession(cookies, locals, user) {
	cookies.set(SESSION_COOKIE, store.createSession(user.id), { path: '/', maxAge: SESSION_SECONDS });
	locals.user = user;
}

/** @type {import('./$types').Actions} */
export const actions = {
	login: async ({ request, cookies, locals }) => {
		const [email, password] = await credentials(request);
		if (!email) return fail(400, { email, missing: true });
		const user = store.checkLogin(email, password);
		if (user === null) return fail(400, { email, incorrect: true });
		startSession(cookies, locals, user);
		return { success: true };
	},
	register: async ({ request, cookies, locals }) => {
		const [email, password] = await credentials(request);
		if (!email) return fail(400, { email, missing: true });
		if (password.length < MIN_PASSWORD_LENGTH) return fail(400, { email, short: true });
		const user = store.createUser(email, password);
		if (user === null) return fail(400, { email, exists: true });
		startSession(cookies, locals, user);
		return { success: true, registered: true };
	}
};
