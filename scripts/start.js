#!/usr/bin/env node
/**
 * `npm start`: serves the built app (building it first when there is no build yet).
 *
 * Why not plain `node build`: adapter-node assumes https when it can't tell the protocol, so a LAN
 * install over plain http would get 403 on every form post (kit's CSRF origin check) and cookies
 * it can't use. Here the protocol comes from the socket itself, unless TRUST_PROXY=true says a
 * reverse proxy in front sets X-Forwarded-Proto / -Host / -For (see README, "Deployment").
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

if (!existsSync('build/handler.js')) {
	console.log('No build yet: building the app once (npm run build)…');
	const built = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (built.status !== 0) process.exit(built.status ?? 1);
}

// adapter-node's default (512 KB) is below a gate's JPEG at full resolution; each route caps its own
// body lower (captures 4 MB, JSON far less), so this is only the outer bound.
process.env.BODY_SIZE_LIMIT ??= '5M';

const trustProxy = process.env.TRUST_PROXY === 'true';
process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';
if (trustProxy) {
	process.env.HOST_HEADER ??= 'x-forwarded-host';
	process.env.ADDRESS_HEADER ??= 'x-forwarded-for';
}

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);
process.env.PORT = String(port);

// Importing the handler runs the app's `init`: database migration and the first-admin link.
let handler;
try {
	({ handler } = await import('../build/handler.js'));
} catch (error) {
	// A bad setting is the operator's to fix: say which, without a stack trace.
	if (error?.name === 'ConfigError') {
		console.error(error.message);
		process.exit(1);
	}
	throw error;
}

const server = createServer((req, res) => {
	if (!trustProxy) {
		// No proxy in front: what the socket says is the truth, whatever a client claims.
		req.headers['x-forwarded-proto'] = 'encrypted' in req.socket ? 'https' : 'http';
		delete req.headers['x-forwarded-host'];
		delete req.headers['x-forwarded-for'];
	}
	handler(req, res, () => {
		res.statusCode = 404;
		res.end('Not found');
	});
});

server.listen(port, host, () => {
	const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	console.log(`SPMS is listening on http://${shown}:${port}`);
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (closing) return;
		closing = true;
		server.close(() => process.exit(0));
		server.closeIdleConnections();
		// Don't hang on a long-poll or an event stream: give them a moment, then go.
		setTimeout(() => process.exit(0), Number(process.env.SHUTDOWN_TIMEOUT ?? 10) * 1000).unref();
	});
}
