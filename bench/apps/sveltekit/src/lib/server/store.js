// The benchmark's data in memory, seeded from bench/apps/seed.json (path in BENCH_SEED):
// the same store as bench/apps/benchlib/store.py, line for line, so that every contender
// does the same work. Passwords: one salted SHA-256 and a constant-time compare, cheap on
// purpose (the benchmark measures frameworks, not password hashing).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SESSION_COOKIE = 'sessionid';
export const SESSION_SECONDS = 60 * 60 * 24 * 30;
export const MIN_PASSWORD_LENGTH = 8;

const hash = (salt, password) => createHash('sha256').update(salt + password).digest();

/** What pages show: never the hash. */
export const publicUser = (user) => ({
	id: user.id,
	name: user.name,
	email: user.email,
	joined: user.joined
});

class Store {
	constructor(seed) {
		this.users = [];
		this.byEmail = new Map();
		this.todos = new Map();
		this.sessions = new Map();
		this.todoSeed = seed.todos;
		for (const u of seed.users) this.addUser(u.name, u.email, u.password, u.salt, u.joined);
		this.sessions.set(seed.session.token, seed.session.user_id);
	}

	addUser(name, email, password, salt, joined) {
		const user = { id: this.users.length + 1, name, email, joined, salt, hash: hash(salt, password) };
		this.users.push(user);
		this.byEmail.set(email, user);
		this.todos.set(user.id, this.todoSeed.map((todo) => ({ ...todo })));
		return user;
	}

	checkLogin(email, password) {
		const user = this.byEmail.get(email);
		if (user === undefined) return null;
		return timingSafeEqual(hash(user.salt, password), user.hash) ? user : null;
	}

	createUser(email, password) {
		if (this.byEmail.has(email)) return null;
		const joined = new Date().toISOString().slice(0, 10);
		return this.addUser(email.split('@')[0], email, password, randomBytes(8).toString('hex'), joined);
	}

	createSession(userId) {
		const token = randomBytes(32).toString('base64url');
		this.sessions.set(token, userId);
		return token;
	}

	userForSession(token) {
		if (!token) return null;
		const userId = this.sessions.get(token);
		return userId === undefined ? null : this.users[userId - 1];
	}

	recentUsers(count = 20) {
		return this.users.slice(-count).reverse().map(publicUser);
	}

	todosOf(userId) {
		return this.todos.get(userId);
	}

	setDone(userId, todoId, done) {
		const todo = this.todos.get(userId).find((t) => t.id === todoId);
		if (todo === undefined) return false;
		todo.done = done;
		return true;
	}
}

const seedPath = process.env.BENCH_SEED;
if (!seedPath) throw new Error('BENCH_SEED must name bench/apps/seed.json');
export const store = new Store(JSON.parse(readFileSync(seedPath, 'utf8')));
