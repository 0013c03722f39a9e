/**
 * Creates an account from a shell: `npm run admin:create -- --email E [--password P]`
 * (or `npm run user:create -- --email E --role operator`). Without --password the password is
 * read from standard input (one line; not echoed on a terminal), so it stays out of shell history.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { registerUser } from '../src/lib/server/auth/accounts.ts';
import { emailSchema } from '../src/lib/server/auth/email.ts';
import { passwordSchema } from '../src/lib/server/auth/password.ts';
import { isRole } from '../src/lib/server/auth/roles.ts';
import { startApp } from '../src/lib/server/app.ts';
import { AppError } from '../src/lib/server/http/errors.ts';
import { ConfigError } from '../src/lib/server/config.ts';

const { values } = parseArgs({
	options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string', default: 'admin' } },
	strict: true
});

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

async function readPassword(): Promise<string> {
	const tty = process.stdin.isTTY;
	const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
	if (tty) {
		process.stdout.write('Password: ');
		// mute the echo of what is typed
		(rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
	}
	const line = await new Promise<string>((resolve) => {
		rl.once('line', resolve);
		rl.once('close', () => resolve(''));
	});
	rl.close();
	if (tty) process.stdout.write('\n');
	return line;
}

try {
	if (!values.email) fail('Usage: npm run admin:create -- --email E [--password P]   (password from standard input when left out)');
	if (!isRole(values.role)) fail(`--role must be one of admin, operator, patrol, driver (got "${values.role}")`);
	const email = emailSchema.safeParse(values.email);
	if (!email.success) fail(`--email: ${email.error.issues[0]?.message}`);
	const password = passwordSchema.safeParse(values.password ?? (await readPassword()));
	if (!password.success) fail(`password: ${password.error.issues[0]?.message}`);
	const { db } = await startApp();
	const user = await registerUser(db, { email: email.data, password: password.data, role: values.role }, Date.now());
	await db.close();
	console.log(`Created ${user.role} ${user.email} (${user.id}).`);
} catch (error) {
	if (error instanceof AppError || error instanceof ConfigError) fail(error.message);
	throw error;
}
