import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// SvelteKit 3 takes its configuration here (svelte.config.js is gone). CSRF protection is
// on, as by default, so the load generator sends Origin on every POST. adapter-node 6 no
// longer reads ORIGIN at run time: the app's own origin is `paths.origin`, fixed at build
// time, so bench/run builds with ORIGIN=http://127.0.0.1:PORT for the port it serves on.
const origin = process.env.ORIGIN;

export default defineConfig({
	plugins: [sveltekit({ adapter: adapter(), ...(origin ? { paths: { origin } } : {}) })]
});
