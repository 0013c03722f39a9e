/**
 * The committed deployment files (deploy/, docs/deploy.md) stay usable and in step with the app:
 * nginx accepts the site (`nginx -t`, with a throwaway certificate), systemd accepts the units
 * (`systemd-analyze verify`, with /opt/spms pointed at this checkout), and the numbers both sides
 * must agree on — the body limit, the routes left unbuffered, the ports — agree.
 * nginx and systemd-analyze come from Debian (nginx-light, systemd; .ci/run installs them);
 * without them those two checks are left out, except under CI=true.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const nginxSite = read('deploy/nginx/spms.conf');
const env = read('deploy/systemd/spms.env');
const instance = read('deploy/systemd/spms@.service');
const migrate = read('deploy/systemd/spms-migrate.service');
const CI = process.env.CI === 'true';

function tool(path: string): boolean {
	if (existsSync(path)) return true;
	if (CI) throw new Error(`CI=true needs ${path} (.ci/run installs it)`);
	console.warn(`${path} is missing: that deployment check is left out`);
	return false;
}

const work = mkdtempSync(join(tmpdir(), 'spms-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the values nginx and the app must agree on', () => {
	test('the body limit: nginx’s client_max_body_size is the app’s BODY_SIZE_LIMIT (the env file and start.js’s default)', () => {
		const nginx = /client_max_body_size (\d+)m;/.exec(nginxSite)?.[1];
		const envLimit = /^BODY_SIZE_LIMIT=(\d+)M$/m.exec(env)?.[1];
		const startDefault = /BODY_SIZE_LIMIT \?\?= '(\d+)M'/.exec(read('scripts/start.js'))?.[1];
		expect(nginx).toBeDefined();
		expect([envLimit, startDefault]).toEqual([nginx, nginx]);
	});

	test('the unbuffered locations are routes the app has: the event stream, the long poll, the camera stream', () => {
		for (const [location, route] of [
			['location = /api/v1/events', 'src/routes/api/v1/events/+server.ts'],
			['location ~ ^/api/v1/gates/[^/]+/commands$', 'src/routes/api/v1/gates/[id]/commands/+server.ts'],
			['location ~ ^/api/v1/cameras/[^/]+/stream$', 'src/routes/api/v1/cameras/[id]/stream/+server.ts']
		] as const) {
			const block = nginxSite.slice(nginxSite.indexOf(location));
			expect(block, location).toMatch(/^[^}]*proxy_buffering off;/);
			expect(existsSync(join(root, route)), route).toBe(true);
		}
	});

	test('the forwarded headers are those TRUST_PROXY makes the app read; the app listens on loopback on the upstream’s ports', () => {
		for (const h of ['X-Forwarded-Proto $scheme', 'X-Forwarded-Host $host', 'X-Forwarded-For $proxy_add_x_forwarded_for']) expect(nginxSite).toContain(`proxy_set_header ${h};`);
		const start = read('scripts/start.js');
		for (const h of ['x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-for']) expect(start).toContain(`'${h}'`);
		expect(env).toMatch(/^TRUST_PROXY=true$/m);
		expect(instance).toContain('Environment=HOST=127.0.0.1');
		expect(instance).toContain('Environment=PORT=%i');
		expect([...nginxSite.matchAll(/server 127\.0\.0\.1:(\d+)/g)].map((m) => m[1])).toEqual(['3001', '3002']);
	});

	test('the units run scripts that exist, and every instance waits for the migrations', () => {
		for (const unit of [instance, migrate]) {
			const script = /^ExecStart=\/opt\/spms\/node_modules\/\.bin\/node (\S+)$/m.exec(unit)?.[1];
			expect(script && existsSync(join(root, script)), script).toBe(true);
		}
		expect(instance).toMatch(/^Requires=spms-migrate\.service$/m);
		expect(instance).toMatch(/^After=.*spms-migrate\.service/m);
		expect(read('package.json')).toContain('"db:migrate": "node scripts/migrate.ts"');
	});
});

test.skipIf(!tool('/usr/sbin/nginx'))('nginx accepts the site (nginx -t)', () => {
	const dir = join(work, 'nginx');
	mkdirSync(join(dir, 'logs'), { recursive: true });
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=parking.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
	const site = nginxSite
		.replace('/etc/letsencrypt/live/parking.example.com/fullchain.pem', join(dir, 'cert.pem'))
		.replace('/etc/letsencrypt/live/parking.example.com/privkey.pem', join(dir, 'key.pem'));
	writeFileSync(join(dir, 'spms.conf'), site);
	const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join(' ');
	writeFileSync(
		join(dir, 'nginx.conf'),
		`pid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'logs/error.log')};\nevents {}\nhttp {\n access_log off;\n ${temp}\n include ${join(dir, 'spms.conf')};\n}\n`
	);
	const checked = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
	expect(checked.status, checked.stderr).toBe(0);
	expect(checked.stderr).toContain('syntax is ok');
});

test.skipIf(!tool('/usr/bin/systemd-analyze'))('systemd accepts the units (systemd-analyze verify), with /opt/spms pointed at this checkout', () => {
	const dir = join(work, 'systemd');
	mkdirSync(dir, { recursive: true });
	for (const name of ['spms@.service', 'spms-migrate.service', 'spms.target']) {
		writeFileSync(join(dir, name), read(`deploy/systemd/${name}`).replaceAll('/opt/spms', root));
	}
	cpSync(join(dir, 'spms@.service'), join(dir, 'spms@3001.service'));
	const verified = spawnSync('/usr/bin/systemd-analyze', ['verify', join(dir, 'spms@3001.service'), join(dir, 'spms-migrate.service'), join(dir, 'spms.target')], { encoding: 'utf8' });
	expect(verified.status, verified.stderr).toBe(0);
	// warnings (an unknown setting, a bad value) are printed, not failed: none allowed
	expect(verified.stderr.trim()).toBe('');
});
