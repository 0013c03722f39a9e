/**
 * A MariaDB server of the bench's own, to restart (or kill) at will without touching anyone
 * else's: its own datadir under /tmp (made with mariadb-install-db on first use, kept between
 * runs), its own port and socket, bound to 127.0.0.1, root without a password.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

export interface PrivateMariadb {
	/** mysql://root@127.0.0.1:port (no database) */
	url: string;
	readonly running: boolean;
	start(): Promise<void>;
	/** a clean shutdown (SIGTERM), or a crash (SIGKILL: InnoDB recovers at the next start) */
	stop(how?: 'shutdown' | 'crash'): Promise<void>;
}

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((p) => existsSync(p)) ?? 'mariadbd';

/**
 * @param dir holds `data/`, the socket and the log (made when missing)
 */
export function privateMariadb(dir: string, port: number): PrivateMariadb {
	const data = join(dir, 'data');
	let child: ChildProcess | null = null;
	let exited: Promise<void> = Promise.resolve();
	const url = `mysql://root@127.0.0.1:${port}`;
	const server: PrivateMariadb = {
		url,
		get running() {
			return child !== null && child.exitCode === null && child.signalCode === null;
		},
		async start() {
			if (server.running) return;
			mkdirSync(dir, { recursive: true });
			if (!existsSync(join(data, 'mysql'))) {
				rmSync(data, { recursive: true, force: true });
				// --no-defaults first: /etc/mysql's `user=mysql` would win over --user=root, and the datadir is root's
				const made = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
				if (made.status !== 0) throw new Error(`mariadb-install-db failed:\n${made.stdout}\n${made.stderr}`);
			}
			const args = [
				'--no-defaults',
				`--datadir=${data}`,
				`--port=${port}`,
				'--bind-address=127.0.0.1',
				`--socket=${join(dir, 'mysqld.sock')}`,
				`--pid-file=${join(dir, 'mysqld.pid')}`,
				`--log-error=${join(dir, 'error.log')}`,
				'--user=root',
				'--skip-log-bin',
				'--innodb-buffer-pool-size=256M',
				// durable commits, as a production server: what the app acknowledged survives a crash
				'--innodb-flush-log-at-trx-commit=1',
				'--max-connections=300'
			];
			const started = spawn(MARIADBD, args, { stdio: 'ignore' });
			child = started;
			exited = new Promise((r) => started.once('exit', () => r()));
			for (let i = 0; ; i++) {
				if (started.exitCode !== null) throw new Error(`mariadbd exited (${started.exitCode}); see ${join(dir, 'error.log')}`);
				try {
					const c = await mysql.createConnection({ uri: url, connectTimeout: 1_000 });
					await c.end();
					return;
				} catch {
					// not up yet
				}
				if (i > 600) throw new Error(`mariadbd did not answer in 60 s; see ${join(dir, 'error.log')}`);
				await new Promise((r) => setTimeout(r, 100));
			}
		},
		async stop(how = 'shutdown') {
			if (!server.running) return;
			child!.kill(how === 'crash' ? 'SIGKILL' : 'SIGTERM');
			await exited;
		}
	};
	return server;
}
