import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_OCR_CONFIDENCE_THRESHOLD } from '../parking/anomaly-rules.ts';
import { parseQuietHours, type QuietHours } from '../parking/sms/delivery.ts';
import { parseCidrs, type Cidr } from './metrics/cidr.ts';

/**
 * Every environment variable SPMS reads, validated once at start. `.env.example` lists the same
 * names; the original system's names are kept where they fit (DB_URI, BASE_RATE_PER_HOUR, …).
 */
const envSchema = z.object({
	DATA_DIR: z.string().default('./data'),
	DATABASE_URL: z
		.string()
		.regex(/^(mysql|mariadb|sqlite):/, 'a mysql://user:pass@host:port/db or sqlite:path URL')
		.optional(),
	DB_URI: z
		.string()
		.regex(/^(mysql|mariadb|sqlite):/, 'a mysql://user:pass@host:port/db or sqlite:path URL')
		.optional(),
	MIGRATIONS_DIR: z.string().optional(),
	ORIGIN: z.url({ message: 'an absolute URL such as https://parking.example.com' }).optional(),
	TRUST_PROXY: z.enum(['true', 'false']).default('false'),
	SESSION_DAYS: z.coerce.number({ error: 'a whole number of days' }).int('a whole number of days').min(1, '1 to 365 days').max(365, '1 to 365 days').default(30),
	OCR_CONFIDENCE_THRESHOLD: z.coerce.number({ error: 'a number from 0 to 1' }).min(0, 'a number from 0 to 1').max(1, 'a number from 0 to 1').default(DEFAULT_OCR_CONFIDENCE_THRESHOLD),
	LPR_WORKERS: z.coerce.number({ error: 'a whole number of threads, 1 to 16' }).int('a whole number of threads, 1 to 16').min(1, 'a whole number of threads, 1 to 16').max(16, 'a whole number of threads, 1 to 16').optional(),
	BASE_RATE_PER_HOUR: z.coerce.number({ error: 'whole rupees per hour' }).int('whole rupees per hour').min(0, 'whole rupees per hour, 0 or more').max(1_000_000, 'at most 1000000').default(50),
	GRACE_PERIOD_MINUTES: z.coerce.number({ error: 'whole minutes' }).int('whole minutes').min(0, '0 to 1440 minutes').max(24 * 60, '0 to 1440 minutes').default(10),
	DEFAULT_TIME_ZONE: z
		.string()
		.refine(isTimeZone, 'an IANA time zone such as Asia/Kolkata')
		.default('Asia/Kolkata'),
	DEFAULT_CURRENCY: z
		.string()
		.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as INR')
		.default('INR'),
	AWS_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3–63 lower-case letters, digits, dots, dashes)').optional(),
	AWS_REGION: z.string().regex(/^[a-z0-9-]+$/, 'a region name such as ap-south-1').optional(),
	AWS_S3_ENDPOINT: z.url({ message: 'an absolute URL such as http://127.0.0.1:9000' }).optional(),
	AWS_S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { message: 'true or false' }).optional(),
	AWS_ACCESS_KEY_ID: z.string().regex(/^[A-Za-z0-9+/=_-]{3,128}$/, 'an access key id (letters and digits)').optional(),
	AWS_SECRET_ACCESS_KEY: z.string().min(3, 'a secret access key').max(256, 'a secret access key').optional(),
	TWILIO_ACCOUNT_SID: z
		.string()
		.regex(/^AC[0-9a-f]{32}$/, 'AC followed by 32 hex digits')
		.optional(),
	TWILIO_AUTH_TOKEN: z.string().optional(),
	TWILIO_FROM_NUMBER: z
		.string()
		.regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +14155550100')
		.optional(),
	TWILIO_API_BASE_URL: z.url({ message: 'an absolute URL such as http://127.0.0.1:4010 (Twilio itself when unset)' }).optional(),
	TWILIO_STATUS_CALLBACK_URL: z.url({ message: 'an absolute URL such as https://parking.example.com/api/v1/webhooks/twilio/status' }).optional(),
	SMS_QUIET_HOURS: z
		.string()
		.refine((v) => parseQuietHours(v) !== undefined, 'HH:MM-HH:MM in the lot\'s time (e.g. 21:00-08:00), or off')
		.default('21:00-08:00'),
	METRICS_TOKEN: z.string().regex(/^\S{16,200}$/, 'a secret of 16 or more characters without spaces').optional(),
	METRICS_ALLOW: z
		.string()
		.refine((v) => parseCidrs(v) !== undefined, 'address ranges such as 127.0.0.0/8,::1/128,10.0.0.0/8, or none')
		.default('127.0.0.0/8,::1/128'),
	RATE_LIMIT_CAPTURES_PER_MINUTE: z.coerce.number({ error: 'a whole number, 1 to 100000' }).int('a whole number, 1 to 100000').min(1, 'a whole number, 1 to 100000').max(100_000, 'a whole number, 1 to 100000').default(120),
	RATE_LIMIT_UPLOADS_PER_MINUTE: z.coerce.number({ error: 'a whole number, 1 to 100000' }).int('a whole number, 1 to 100000').min(1, 'a whole number, 1 to 100000').max(100_000, 'a whole number, 1 to 100000').default(30),
	PERSONAL_DATA_RETENTION_DAYS: z.coerce.number({ error: 'a whole number of days, 30 to 3650' }).int('a whole number of days, 30 to 3650').min(30, 'a whole number of days, 30 to 3650').max(3650, 'a whole number of days, 30 to 3650').default(365)
});

export type Env = z.infer<typeof envSchema>;

export type DatabaseConfig =
	| { engine: 'sqlite'; file: string }
	| { engine: 'mysql'; url: string };

export interface S3Config {
	bucket: string;
	region: string;
	/** An S3-compatible store's URL (MinIO, Ceph, a test server); AWS itself when undefined. */
	endpoint: string | undefined;
	/** `https://host/bucket/key` rather than `https://bucket.host/key` (most S3-compatible stores). */
	forcePathStyle: boolean;
	/** Static keys; undefined leaves them to the AWS SDK's chain (environment, profile, role). */
	credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export interface Config {
	dataDir: string;
	database: DatabaseConfig;
	migrationsDir: string;
	origin: string | undefined;
	trustProxy: boolean;
	sessionDays: number;
	ocrConfidenceThreshold: number;
	/** plate-reading worker threads for gate captures; undefined: sized to the machine */
	lprWorkers: number | undefined;
	baseRatePerHourPaise: number;
	gracePeriodMinutes: number;
	defaultTimeZone: string;
	defaultCurrency: string;
	s3: S3Config | undefined;
	twilio: { accountSid: string; authToken: string; from: string; apiBaseUrl: string | undefined } | undefined;
	sms: {
		/** where Twilio posts delivery statuses; from ORIGIN unless set */
		statusCallbackUrl: string | undefined;
		/** non-urgent messages wait while these last, in each lot's zone */
		quietHours: QuietHours | null;
	};
	/** who may scrape `/metrics`: a bearer token, or addresses in these ranges */
	metrics: { token: string | undefined; allow: Cidr[] };
	/** requests per minute, per device key (captures) or per account (uploads) */
	rateLimits: { capturesPerMinute: number; uploadsPerMinute: number };
	/** how long personal data outlives its use (`jobs/retention.ts`, docs/privacy.md); images follow each lot's `imageRetentionDays` */
	retention: { personalDataDays: number };
}

/** Raised for a bad environment: the message names each variable and the form it expects. */
export class ConfigError extends Error {
	override name = 'ConfigError';
}

/**
 * Reads and validates the configuration from an environment.
 * @param env usually `process.env`; `cwd` anchors relative paths.
 * @throws {ConfigError} naming every variable with a bad value.
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
	// An empty variable counts as unset, as shells and .env files often leave `NAME=` behind.
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	const parsed = envSchema.safeParse(present);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => {
			const name = String(issue.path[0]);
			return `  ${name}=${JSON.stringify(env[name] ?? '')}: expected ${issue.message}`;
		});
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	const dataDir = resolve(cwd, e.DATA_DIR);
	const s3Partial = [e.AWS_S3_BUCKET, e.AWS_REGION].filter(Boolean).length;
	if (s3Partial === 1) {
		throw new ConfigError('Invalid configuration:\n  AWS_S3_BUCKET and AWS_REGION: set both, or neither for local disk');
	}
	if ([e.AWS_ACCESS_KEY_ID, e.AWS_SECRET_ACCESS_KEY].filter(Boolean).length === 1) {
		throw new ConfigError('Invalid configuration:\n  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both, or neither for the AWS SDK\'s credential chain');
	}
	const twilioSet = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM_NUMBER].filter(Boolean).length;
	if (twilioSet !== 0 && twilioSet !== 3) {
		throw new ConfigError(
			'Invalid configuration:\n  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER: set all three, or none to keep SMS in the outbox'
		);
	}
	return {
		dataDir,
		database: databaseConfig(e.DATABASE_URL ?? e.DB_URI, dataDir, cwd),
		migrationsDir: resolve(cwd, e.MIGRATIONS_DIR ?? 'drizzle'),
		origin: e.ORIGIN,
		trustProxy: e.TRUST_PROXY === 'true',
		sessionDays: e.SESSION_DAYS,
		ocrConfidenceThreshold: e.OCR_CONFIDENCE_THRESHOLD,
		lprWorkers: e.LPR_WORKERS,
		baseRatePerHourPaise: e.BASE_RATE_PER_HOUR * 100,
		gracePeriodMinutes: e.GRACE_PERIOD_MINUTES,
		defaultTimeZone: e.DEFAULT_TIME_ZONE,
		defaultCurrency: e.DEFAULT_CURRENCY,
		s3: e.AWS_S3_BUCKET && e.AWS_REGION
			? {
					bucket: e.AWS_S3_BUCKET,
					region: e.AWS_REGION,
					endpoint: e.AWS_S3_ENDPOINT,
					// S3-compatible stores rarely have per-bucket host names: path style is their default
					forcePathStyle: e.AWS_S3_FORCE_PATH_STYLE ? e.AWS_S3_FORCE_PATH_STYLE === 'true' : e.AWS_S3_ENDPOINT !== undefined,
					credentials:
						e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY } : undefined
				}
			: undefined,
		twilio:
			e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM_NUMBER
				? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM_NUMBER, apiBaseUrl: e.TWILIO_API_BASE_URL }
				: undefined,
		sms: {
			statusCallbackUrl: e.TWILIO_STATUS_CALLBACK_URL ?? (e.ORIGIN ? `${e.ORIGIN.replace(/\/$/, '')}/api/v1/webhooks/twilio/status` : undefined),
			quietHours: parseQuietHours(e.SMS_QUIET_HOURS) ?? null
		},
		metrics: { token: e.METRICS_TOKEN, allow: parseCidrs(e.METRICS_ALLOW) ?? [] },
		rateLimits: { capturesPerMinute: e.RATE_LIMIT_CAPTURES_PER_MINUTE, uploadsPerMinute: e.RATE_LIMIT_UPLOADS_PER_MINUTE },
		retention: { personalDataDays: e.PERSONAL_DATA_RETENTION_DAYS }
	};
}

function databaseConfig(url: string | undefined, dataDir: string, cwd: string): DatabaseConfig {
	if (!url) return { engine: 'sqlite', file: resolve(dataDir, 'spms.sqlite') };
	if (url.startsWith('sqlite:')) return { engine: 'sqlite', file: resolve(cwd, url.slice('sqlite:'.length)) };
	// mysql2 understands only mysql://; MariaDB users often write mariadb://.
	return { engine: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
}

function isTimeZone(name: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

let current: Config | undefined;

/** The process's configuration, read from `process.env` on first use. */
export function config(): Config {
	current ??= loadConfig(process.env);
	return current;
}
