import { describe, expect, test } from 'vitest';
import { countsOf, discardItem, MemoryOutboxStore, newItem, retryItem, type PatrolAction } from './outbox.ts';
import { syncOutbox } from './sync.ts';

/** A stand-in for the server's idempotent sync endpoint, with a network that can fail. */
function fakeServer() {
	const applied = new Map<string, PatrolAction>();
	const state = { offline: false, dropAnswers: false, rejectPlate: '', conflictPlate: '', status: 200, requests: 0 };
	const fetch = (async (url: string, init?: RequestInit) => {
		state.requests++;
		if (state.offline) throw new TypeError('Failed to fetch');
		if (state.status !== 200) return Response.json({ error: { code: 'x', message: 'down' } }, { status: state.status });
		if (url === '/api/v1/evidence-uploads') return Response.json({ key: 'evidence/lot/2026-11-02/a.jpg', method: 'PUT', url: '/put/a', headers: {} }, { status: 201 });
		if (url.startsWith('/put/')) return new Response(null, { status: 200 });
		const { actions } = JSON.parse(String(init!.body)) as { actions: PatrolAction[] };
		const results = actions.map((a) => {
			if (a.plate === state.rejectPlate) return { id: a.id, status: 'rejected', code: 'lot_forbidden', message: 'not your lot' };
			const replayed = applied.has(a.id);
			applied.set(a.id, a);
			if (a.plate === state.conflictPlate) return { id: a.id, status: 'conflict', code: 'session_not_active', message: 'ended meanwhile', replayed };
			return { id: a.id, status: 'applied', replayed };
		});
		// the server applied them, but the answer is lost on the way back
		if (state.dropAnswers) throw new TypeError('network changed');
		return Response.json({ results });
	}) as typeof globalThis.fetch;
	return { applied, state, fetch };
}

const obs = (plate: string): Omit<PatrolAction, 'id'> => ({ kind: 'observation', lotId: 'lot', plate, at: 1 });

describe('syncOutbox', () => {
	test('offline keeps everything pending; online sends each once', async () => {
		const store = new MemoryOutboxStore();
		const server = fakeServer();
		for (let i = 0; i < 50; i++) await store.put(newItem(obs(`KA01AB${1000 + i}`), i));
		server.state.offline = true;
		expect(await syncOutbox(store, { fetch: server.fetch })).toMatchObject({ stopped: 'offline', left: 50 });
		server.state.offline = false;
		expect(await syncOutbox(store, { fetch: server.fetch, batch: 20 })).toMatchObject({ applied: 50, left: 0 });
		expect(server.applied.size).toBe(50);
		expect(countsOf(await store.all())).toEqual({ pending: 0, done: 50, conflict: 0, rejected: 0 });
		// nothing left to send
		const before = server.state.requests;
		await syncOutbox(store, { fetch: server.fetch });
		expect(server.state.requests).toBe(before);
	});

	test('answers lost after the server applied: resent, still one record each', async () => {
		const store = new MemoryOutboxStore();
		const server = fakeServer();
		for (let i = 0; i < 10; i++) await store.put(newItem(obs(`KA02AB${1000 + i}`), i));
		server.state.dropAnswers = true;
		expect((await syncOutbox(store, { fetch: server.fetch })).left).toBe(10);
		server.state.dropAnswers = false;
		expect((await syncOutbox(store, { fetch: server.fetch })).applied).toBe(10);
		expect(server.applied.size).toBe(10);
	});

	test('a rejected item is kept with the reason until retried or discarded; a conflict is shown', async () => {
		const store = new MemoryOutboxStore();
		const server = fakeServer();
		const bad = newItem(obs('KA03AB1000'), 1);
		const late = newItem({ ...obs('KA03AB2000'), kind: 'session.end' }, 2);
		await store.put(bad);
		await store.put(late);
		server.state.rejectPlate = 'KA03AB1000';
		server.state.conflictPlate = 'KA03AB2000';
		expect(await syncOutbox(store, { fetch: server.fetch })).toMatchObject({ rejected: 1, conflicts: 1, left: 0 });
		expect(await store.get(bad.id)).toMatchObject({ status: 'rejected', code: 'lot_forbidden', message: 'not your lot' });
		expect(await store.get(late.id)).toMatchObject({ status: 'conflict', message: 'ended meanwhile' });
		// a sync doesn't resend a rejected item by itself
		await syncOutbox(store, { fetch: server.fetch });
		expect((await store.get(bad.id))!.status).toBe('rejected');
		server.state.rejectPlate = '';
		await retryItem(store, bad.id, 3);
		await syncOutbox(store, { fetch: server.fetch });
		expect((await store.get(bad.id))!.status).toBe('done');
		await discardItem(store, late.id);
		expect(await store.get(late.id)).toBeUndefined();
	});

	test('server errors and a lost sign-in leave items pending', async () => {
		const store = new MemoryOutboxStore();
		const server = fakeServer();
		await store.put(newItem(obs('KA04AB1000'), 1));
		server.state.status = 503;
		expect(await syncOutbox(store, { fetch: server.fetch })).toMatchObject({ stopped: 'server', left: 1 });
		server.state.status = 401;
		expect(await syncOutbox(store, { fetch: server.fetch })).toMatchObject({ stopped: 'signed_out', left: 1 });
	});

	test('a photo is uploaded first and its key sent with the action', async () => {
		const store = new MemoryOutboxStore();
		const server = fakeServer();
		const item = newItem(obs('KA05AB1000'), 1, new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], { type: 'image/jpeg' }));
		await store.put(item);
		await syncOutbox(store, { fetch: server.fetch });
		expect(server.applied.get(item.id)!.evidenceKey).toBe('evidence/lot/2026-11-02/a.jpg');
		expect((await store.get(item.id))!.photo).toBeUndefined();
	});
});
