import { fail, redirect } from '@sveltejs/kit';
import { store } from '#lib/server/store.js';

export function load({ locals }) {
	if (!locals.user) redirect(303, '/login');
	const todos = store.todosOf(locals.user.id);
	return { todos, open: todos.filter((todo) => !todo.done).length };
}

/** @type {import('./$types').Actions} */
export const actions = {
	toggle: async ({ request, locals }) => {
		if (!locals.user) redirect(303, '/login');
		const form = await request.formData();
		const id = form.get('id');
		const done = form.get('done') === 'true';
		if (typeof id !== 'string' || !/^\d+$/.test(id)) return fail(400, { notice: 'No such todo' });
		if (!store.setDone(locals.user.id, Number(id), done)) return fail(404, { notice: 'No such todo' });
	}
};
