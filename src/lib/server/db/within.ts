/**
 * A {@link Database} bound to a transaction already open, so that services written against
 * `Database` (which open their own transactions) can run as one part of a larger one: their
 * `transaction` becomes a savepoint of the outer transaction (rolled back alone when it throws,
 * as their own transaction would be), their `run` uses the outer transaction's connection.
 * Nothing is committed until the outer transaction is.
 */
import { execute, sql, type Database, type Executor } from './database.ts';

let savepoints = 0;

/**
 * @param x the executor of the open transaction (what `db.transaction` passed to its function)
 * @returns a `Database` whose work all happens in that transaction; `close` is refused
 * @example
 * await db.transaction(async (x) => {
 *   const { session } = await startSession(within(x), input, actor, settings);
 *   await updateCapture(x, id, { sessionId: session.id }); // committed together, or not at all
 * });
 */
export function within(x: Executor): Database {
	return {
		engine: x.engine,
		t: x.t,
		async transaction(fn) {
			const name = sql.raw(`spms_sp_${++savepoints}`);
			await execute(x, sql`SAVEPOINT ${name}`);
			let result;
			try {
				result = await fn(x);
			} catch (error) {
				// a MySQL deadlock has rolled the whole transaction back, savepoint and all: the
				// original error is what the outer transaction must see (it retries on it)
				await execute(x, sql`ROLLBACK TO SAVEPOINT ${name}`)
					.then(() => execute(x, sql`RELEASE SAVEPOINT ${name}`))
					.catch(() => {});
				throw error;
			}
			await execute(x, sql`RELEASE SAVEPOINT ${name}`);
			return result;
		},
		run: (fn) => fn(x),
		close: () => Promise.reject(new Error('a database bound to a transaction is closed with it'))
	};
}
