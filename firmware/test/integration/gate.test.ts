/**
 * The host build of the gate (firmware/build/gate-host) against the real SPMS server: the built
 * app on an embedded SQLite database in a temp folder, behind a TLS proxy whose certificate is
 * signed by a CA made here with openssl (the gate verifies it, as on the board). Provisioned over
 * its serial console; the camera is a folder of JPEGs (the dataset's scenes when present, else
 * JPEGs made here). The plate reader is being retrained, so no plate text is asserted: the
 * decision flow, the barrier and idempotency are.
 *
 *   node --test firmware/test/integration/gate.test.ts    (after `npm run build` and `make -C firmware host`)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer as createNet, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';

const root = join(import.meta.dirname, '../../..');
const gateBin = join(root, 'firmware/build/gate-host');
const DATASET = process.env.FIRMWARE_CAMERA_DIR ?? '/work/shared/datasets/intl-openlpr-scenes/images';
const tmp = mkdtempSync(join(tmpdir(), 'spms-gate-it-'));
/** The gate's whole log, kept for a failed run (firmware/build is ignored by git). */
const gateLogFile = join(root, 'firmware/build/integration-gate.log');
mkdirSync(join(root, 'firmware/build'), { recursive: true });
writeFileSync(gateLogFile, '');

type Line = Record<string, unknown> & { lvl: string; ev: string };

// ------------------------------------------------------------------ helpers

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createNet().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as AddressInfo;
			s.close(() => resolve(port));
		});
	});
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000, every = 100): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await check();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, every));
	}
}

function openssl(...args: string[]) {
	execFileSync('openssl', args, { cwd: tmp, stdio: 'pipe' });
}

/** A CA, and a certificate for 127.0.0.1 it signed; and an unrelated CA (the wrong one). */
function makeCerts() {
	openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=SPMS test CA');
	openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
	writeFileSync(join(tmp, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
	openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
	openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'wrong.key', '-out', 'wrong.pem', '-days', '2', '-subj', '/CN=Some other CA');
	const read = (f: string) => readFileSync(join(tmp, f), 'utf8');
	return { ca: read('ca.pem'), wrongCa: read('wrong.pem'), key: read('server.key'), cert: read('server.pem') };
}

function cameraDir(): string {
	if (existsSync(DATASET)) return DATASET;
	// no dataset on this machine: a few real JPEGs made now (a gradient with a plate-like box)
	const dir = join(tmp, 'camera');
	mkdirSync(dir);
	for (let n = 0; n < 4; n++) {
		const width = 320, height = 240, data = Buffer.alloc(width * height * 4);
		for (let i = 0; i < width * height; i++) {
			const x = i % width, y = Math.floor(i / width), plate = x > 110 && x < 210 && y > 150 && y < 175;
			data[i * 4] = plate ? 240 : (x + n * 40) & 255;
			data[i * 4 + 1] = plate ? 240 : y;
			data[i * 4 + 2] = plate ? (Math.floor(x / 6) % 2 ? 20 : 235) : 90;
			data[i * 4 + 3] = 255;
		}
		writeFileSync(join(dir, `frame-${n}.jpg`), jpeg.encode({ data, width, height }, 85).data);
	}
	return dir;
}

// ------------------------------------------------------------------ the server, its TLS proxy, the gate

const dataDir = join(tmp, 'data');
let appPort = 0;
let app: ChildProcess | undefined;
let appLog = '';

async function startApp() {
	const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(appPort), HOST: '127.0.0.1', DATA_DIR: dataDir, ORIGIN: `http://127.0.0.1:${appPort}`, LOG_LEVEL: 'warn', LPR_WORKERS: '1' };
	delete env.DATABASE_URL;
	delete env.DB_URI;
	app = spawn(process.execPath, [join(root, 'scripts/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	app.stdout!.on('data', (c) => (appLog += c));
	app.stderr!.on('data', (c) => (appLog += c));
	await until('the server', async () => (await fetch(`http://127.0.0.1:${appPort}/healthz`).catch(() => null))?.ok, 60_000, 200);
}

async function stopApp() {
	if (!app || app.exitCode !== null || app.signalCode !== null) return;
	const exited = new Promise((r) => app!.once('exit', r));
	app.kill('SIGTERM');
	await exited;
}

/** How the proxy treats the next capture: forward it, or forward it and lose the answer. */
let proxyMode: 'pass' | 'lose-next-capture-answer' = 'pass';
let proxy: HttpsServer;
let proxyPort = 0;

function startProxy(key: string, cert: string) {
	proxy = createHttps({ key, cert }, (req, res) => {
		const capture = req.method === 'POST' && /\/captures$/.test(req.url ?? '');
		const up = httpRequest({ host: '127.0.0.1', port: appPort, method: req.method, path: req.url, headers: req.headers }, (ur) => {
			// a decided answer (not the 503 of a reader still starting) is the one to lose
			if (capture && ur.statusCode === 200 && proxyMode === 'lose-next-capture-answer') {
				proxyMode = 'pass';
				// the server decided and stored its answer; the gate never hears it
				ur.resume();
				ur.on('end', () => req.socket.destroy());
				return;
			}
			res.writeHead(ur.statusCode ?? 502, ur.headers);
			ur.pipe(res);
		});
		up.on('error', () => {
			// the server is away: what a proxy says then (not JSON)
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/html' });
			res.end('<html><body>502 Bad Gateway</body></html>');
		});
		req.pipe(up);
	});
	return new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => ((proxyPort = (proxy.address() as AddressInfo).port), r())));
}

class Gate {
	proc: ChildProcess;
	lines: Line[] = [];
	stopping = false;
	private buf = '';
	constructor(nvs: string, camera: string) {
		this.proc = spawn(gateBin, ['--nvs', nvs, '--camera', camera, '--http-port', '0', '--stream-port', '0', '--long-poll', '5', '--fps', '5'], { stdio: ['pipe', 'pipe', 'inherit'] });
		this.proc.on('exit', (code, signal) => {
			if (!this.stopping) this.lines.push({ lvl: 'error', ev: 'gate_died', code, signal });
		});
		this.proc.stdout!.on('data', (c: Buffer) => {
			this.buf += c.toString();
			let nl;
			while ((nl = this.buf.indexOf('\n')) >= 0) {
				const text = this.buf.slice(0, nl);
				this.buf = this.buf.slice(nl + 1);
				try {
					this.lines.push(JSON.parse(text));
				} catch {
					this.lines.push({ lvl: 'raw', ev: 'raw', text });
				}
				appendFileSync(gateLogFile, text + '\n');
				if (process.env.GATE_LOG === 'true') console.log('gate:', text);
			}
		});
	}
	say(...lines: string[]) {
		this.proc.stdin!.write(lines.join('\n') + '\n');
	}
	/** Lines of `ev` after index `from` matching `where`. */
	find(ev: string, where: (l: Line) => boolean = () => true, from = 0) {
		return this.lines.slice(from).filter((l) => l.ev === ev && where(l));
	}
	wait(ev: string, where: (l: Line) => boolean = () => true, from = 0, ms = 60_000) {
		return until(`gate event ${ev}`, () => {
			const died = this.find('gate_died')[0];
			if (died) throw new Error(`the gate died (${died.signal ?? died.code}) waiting for ${ev}`);
			return this.find(ev, where, from)[0];
		}, ms);
	}
	mark() {
		return this.lines.length;
	}
	async ports() {
		const l = await this.wait('listening');
		return { http: Number(l.http_port), stream: Number(l.stream_port) };
	}
	async status() {
		const { http } = await this.ports();
		return (await fetch(`http://127.0.0.1:${http}/status.json`)).json();
	}
	async stop() {
		this.stopping = true;
		if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
		const exited = new Promise((r) => this.proc.once('exit', r));
		this.proc.kill('SIGTERM');
		await exited;
	}
}

// ------------------------------------------------------------------ the lot

let admin: Record<string, string>;
let gateId = '';
let lotId = '';
let deviceKey = '';
let certs: ReturnType<typeof makeCerts>;
let camera = '';
let gate: Gate;
const nvs = join(tmp, 'gate.nvs');

async function api(path: string, init: RequestInit = {}) {
	const res = await fetch(`http://127.0.0.1:${appPort}${path}`, { ...init, headers: { 'content-type': 'application/json', ...admin, ...(init.headers as Record<string, string>) } });
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const serverCaptures = async () => (await api(`/api/v1/gates/${gateId}/captures?limit=100`)).body.items as Array<{ id: string; decision: string; session_id: string | null }>;
const sessionTotal = async () => (await api(`/api/v1/sessions?lotId=${lotId}&limit=100`)).body.total as number;

function provision(g: Gate, ca: string) {
	g.say(
		'set wifi_ssid host-lane',
		`set server_url https://127.0.0.1:${proxyPort}`,
		`set gate_id ${gateId}`,
		`set device_key ${deviceKey}`,
		'set present_ms 100',
		'set absent_ms 300',
		'set clear_ms 800',
		'set decision_ms 2500',
		'set open_ms 4000',
		'ca',
		...ca.trim().split('\n'),
		'',
		'save'
	);
}

async function setup() {
	assert.ok(existsSync(gateBin), 'build the host gate first: make -C firmware host');
	assert.ok(existsSync(join(root, 'build/handler.js')), 'build the app first: npm run build');
	certs = makeCerts();
	camera = cameraDir();
	appPort = await freePort();
	await startApp();
	await startProxy(certs.key, certs.cert);

	const email = `gate-admin-${process.pid}@example.com`;
	const password = `pw-${Math.random().toString(36).slice(2)}-long`;
	execFileSync(process.execPath, [join(root, 'scripts/user-create.ts'), '--email', email, '--password', password, '--role', 'admin'], {
		env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', DB_URI: '' },
		cwd: root,
		stdio: 'pipe'
	});
	admin = {};
	const login = await api('/login', { method: 'POST', body: JSON.stringify({ email, password }) });
	assert.equal(login.status, 200);
	admin = { authorization: `Bearer ${login.body.token}` };
	const lot = await api('/api/v1/lots', { method: 'POST', body: JSON.stringify({ name: 'Gate lane', capacity: { car: 50 } }) });
	assert.equal(lot.status, 201, JSON.stringify(lot.body));
	lotId = lot.body.id;
	const key = await api('/api/v1/device-keys', { method: 'POST', body: JSON.stringify({ name: 'ESP32-CAM lane 1' }) });
	assert.equal(key.status, 201);
	deviceKey = key.body.key;
	const g = await api(`/api/v1/lots/${lotId}/gates`, { method: 'POST', body: JSON.stringify({ name: 'Lane 1 in', direction: 'entry', deviceKeyId: key.body.id }) });
	assert.equal(g.status, 201, JSON.stringify(g.body));
	gateId = g.body.id;

	gate = new Gate(nvs, camera);
	provision(gate, certs.ca);
	await gate.wait('console', (l) => l.out === 'saved');
}
before(setup, { timeout: 180_000 });

after(async () => {
	await gate?.stop();
	await stopApp();
	await new Promise((r) => proxy?.close(r));
	if (process.exitCode && appLog) console.error(appLog.slice(-4000));
	rmSync(tmp, { recursive: true, force: true });
});

// ------------------------------------------------------------------ the tests (in order: one lane, one day)

test('the server echoes the capture id it answers for (what the gate checks)', { timeout: 180_000 }, async () => {
	const body = readFileSync(join(camera, (await import('node:fs')).readdirSync(camera).find((f) => /\.jpe?g$/i.test(f))!));
	let res: Response;
	for (let attempt = 0; ; attempt++) {
		res = await fetch(`http://127.0.0.1:${appPort}/api/v1/gates/${gateId}/captures`, {
			method: 'POST',
			headers: { authorization: `Bearer ${deviceKey}`, 'content-type': 'image/jpeg', 'idempotency-key': 'probe-1', 'x-capture-time': String(Date.now()) },
			body
		});
		// the plate reader's workers start on the first capture: 503 + Retry-After until they're up
		if (res.status !== 503 || attempt >= 20) break;
		await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
	}
	assert.equal(res.status, 200, await res.clone().text());
	assert.equal(res.headers.get('idempotency-key'), 'probe-1');
});

test('a vehicle arrives: the capture is posted, the decision (or the operator, for a hold) moves the barrier, and it closes once the vehicle has passed', { timeout: 180_000 }, async () => {
	const from = gate.mark();
	gate.say('sim sensor 1');
	try {
		await oneCar(from);
	} finally {
		gate.say('sim sensor 0'); // whatever happened, the car goes: the next tests start from an empty lane
	}
	await gate.wait('barrier', (l) => l.open === false, from, 10_000);
	assert.equal(gate.find('close_refused_vehicle_sensed', () => true, from).length, 0);
	const st = await gate.status();
	assert.equal(st.barrier_open, false);
	assert.equal(st.server_reachable, true);
	assert.ok(st.decisions.length >= 1);
});

async function oneCar(from: number) {
	const cap = await gate.wait('capture', () => true, from);
	const decision = await gate.wait('decision', (l) => l.id === cap.id, from);
	const mine = (await serverCaptures()).find((c) => c.id === decision.server_capture_id);
	assert.ok(mine, 'the server has the capture the gate was answered for');
	assert.equal(mine.decision, decision.decision);
	if (decision.decision !== 'open') {
		// held or denied (whatever the retrained reader made of the photo): an operator lets it in
		assert.equal(gate.find('barrier', (l) => l.open === true, from).length, 0, 'no barrier movement on a hold or deny');
		const cmd = await api(`/api/v1/gates/${gateId}/commands`, { method: 'POST', body: JSON.stringify({ command: 'open', reason: 'checked at the booth' }) });
		assert.equal(cmd.status, 201);
		await gate.wait('command', (l) => l.command === cmd.body.id, from);
		await gate.wait('command_acked', (l) => l.command === cmd.body.id, from);
		assert.equal((await api(`/api/v1/gates/${gateId}/status`)).body.pending_commands, 0);
	}
	await gate.wait('barrier', (l) => l.open === true, from, 10_000);
	const st = await gate.status();
	assert.equal(st.barrier_open, true);
	assert.equal(st.decisions.at(-1).capture_id, cap.id);
}

test('the server goes away and comes back: captures wait in the ring, are replayed with their ids, nothing lost or duplicated', { timeout: 180_000 }, async () => {
	const capturesBefore = await serverCaptures();
	const sessionsBefore = await sessionTotal();
	await stopApp();

	const ids: string[] = [];
	for (let car = 0; car < 3; car++) {
		const from = gate.mark();
		gate.say('sim sensor 1');
		const cap = await gate.wait('capture', () => true, from);
		ids.push(String(cap.id));
		await gate.wait('offline_policy', () => true, from, 15_000);
		assert.equal((await gate.status()).barrier_open, false, 'hold policy: down while the server is away');
		gate.say('sim sensor 0');
		await gate.wait('vehicle_left', () => true, from, 10_000);
	}
	const st = await gate.status();
	assert.deepEqual(st.queued_ids, ids);
	assert.equal(st.server_reachable, false);
	assert.ok(gate.find('capture_retry', (l) => ids.includes(String(l.id))).length >= 1);

	// back, and the first answer it sends is lost on the way: the gate must ask again with the same id
	const from = gate.mark();
	proxyMode = 'lose-next-capture-answer';
	await startApp();
	await until('the queue to drain', async () => (await gate.status()).queued === 0, 90_000, 250);
	const decisions = ids.map((id) => gate.find('decision', (l) => l.id === id, from));
	for (const d of decisions) assert.equal(d.length, 1, 'one decision per capture');
	assert.ok(decisions.some(([d]) => d!.replayed === true), 'the capture whose answer was lost got the stored answer again');
	// the cars had gone: late answers move nothing
	assert.equal(gate.find('barrier', (l) => l.open === true, from).length, 0);

	const capturesAfter = await serverCaptures();
	assert.equal(capturesAfter.length, capturesBefore.length + 3, 'each capture stored once');
	const serverIds = new Set(capturesAfter.map((c) => c.id));
	assert.equal(serverIds.size, capturesAfter.length);
	for (const [d] of decisions) assert.ok(serverIds.has(String(d!.server_capture_id)));
	const opened = decisions.filter(([d]) => d!.decision === 'open').length;
	assert.equal(await sessionTotal(), sessionsBefore + opened, 'a session per capture let in, no duplicates');
});

test('a reboot keeps the provisioning and the id sequence; a wrong CA is a TLS failure that keeps the barrier down, and the right one delivers the capture', { timeout: 180_000 }, async () => {
	const seq = (id: unknown) => Number(String(id).split('-')[1]);
	const before = gate.find('capture').map((l) => seq(l.id));
	const epoch = String(gate.find('capture')[0]!.id).split('-')[0];
	await gate.stop();
	gate = new Gate(nvs, camera);
	const boot = await gate.wait('boot');
	assert.equal(boot.provisioned, true);
	assert.equal(boot.id_epoch, epoch);

	let from = gate.mark();
	gate.say('ca', ...certs.wrongCa.trim().split('\n'), '', 'save');
	await gate.wait('console', (l) => l.out === 'saved', from);
	gate.say('sim sensor 1');
	const cap = await gate.wait('capture', () => true, from);
	assert.ok(seq(cap.id) > Math.max(...before), 'ids go on after the reboot');
	const failure = await gate.wait('capture_retry', (l) => l.id === cap.id, from);
	assert.equal(failure.lvl, 'error');
	assert.match(String(failure.why), /^tls: .*certificate/);
	await gate.wait('offline_policy', () => true, from, 15_000);
	assert.equal((await gate.status()).barrier_open, false);
	assert.equal(gate.find('decision', () => true, from).length, 0);

	from = gate.mark();
	gate.say('ca', ...certs.ca.trim().split('\n'), '', 'save');
	await gate.wait('decision', (l) => l.id === cap.id, from, 90_000);
	gate.say('sim sensor 0');
	await until('the queue to drain', async () => (await gate.status()).queued === 0, 10_000);
});

test('the MJPEG stream and /capture speak CameraWebServer\'s wire format; the local page shows the history', { timeout: 180_000 }, async () => {
	const { http, stream } = await gate.ports();
	const res = await fetch(`http://127.0.0.1:${stream}/stream`);
	assert.equal(res.headers.get('content-type'), 'multipart/x-mixed-replace;boundary=123456789000000000000987654321');
	assert.equal(res.headers.get('access-control-allow-origin'), '*');
	const reader = res.body!.getReader();
	let buf = Buffer.alloc(0);
	const parts: Array<{ headers: string; body: Buffer }> = [];
	const boundary = Buffer.from('\r\n--123456789000000000000987654321\r\n');
	while (parts.length < 2) {
		const { value, done } = await reader.read();
		assert.ok(!done, 'the stream goes on');
		buf = Buffer.concat([buf, value]);
		for (;;) {
			if (buf.length < boundary.length) break;
			assert.ok(buf.subarray(0, boundary.length).equals(boundary), 'each part starts with the boundary');
			const headEnd = buf.indexOf('\r\n\r\n', boundary.length);
			if (headEnd < 0) break;
			const headers = buf.subarray(boundary.length, headEnd).toString();
			const length = Number(/^Content-Length: (\d+)$/m.exec(headers)?.[1]);
			if (buf.length < headEnd + 4 + length) break;
			parts.push({ headers, body: buf.subarray(headEnd + 4, headEnd + 4 + length) });
			buf = buf.subarray(headEnd + 4 + length);
		}
	}
	await reader.cancel();
	for (const p of parts) {
		assert.match(p.headers, /^Content-Type: image\/jpeg\r\nContent-Length: \d+\r\nX-Timestamp: \d+\.\d{6}$/);
		assert.equal(p.body[0], 0xff);
		assert.equal(p.body[1], 0xd8);
	}
	const cap = await fetch(`http://127.0.0.1:${http}/capture`);
	assert.equal(cap.headers.get('content-type'), 'image/jpeg');
	assert.match(cap.headers.get('x-timestamp') ?? '', /^\d+\.\d{6}$/);
	const jpegBytes = Buffer.from(await cap.arrayBuffer());
	assert.equal(jpegBytes[0], 0xff);
	const page = await (await fetch(`http://127.0.0.1:${http}/`)).text();
	assert.match(page, /Parking history \(valid plates\)/);
	assert.match(page, /IST/);
});

test('a stuck control loop is caught by the watchdog, which restarts the gate (the host build exits)', { timeout: 60_000 }, async () => {
	const proc = spawn(gateBin, ['--nvs', join(tmp, 'hang.nvs'), '--camera', camera, '--watchdog-ms', '1500'], { stdio: ['pipe', 'pipe', 'inherit'] });
	let out = '';
	proc.stdout!.on('data', (c) => (out += c));
	const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
	await until('the gate to boot', () => out.includes('"ev":"boot"'));
	proc.stdin!.write('sim hang\n');
	assert.equal(await exited, 134);
	assert.match(out, /"lvl":"error","ev":"task_watchdog"/);
});
