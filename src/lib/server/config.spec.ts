import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
	test('an empty environment gives the embedded defaults', () => {
		const c = loadConfig({}, '/srv/spms');
		expect(c.database).toEqual({ engine: 'sqlite', file: '/srv/spms/data/spms.sqlite' });
		expect(c.dataDir).toBe('/srv/spms/data');
		expect(c.baseRatePerHourPaise).toBe(5000);
		expect(c.gracePeriodMinutes).toBe(10);
		expect(c.defaultTimeZone).toBe('Asia/Kolkata');
		expect(c.s3).toBeUndefined();
		expect(c.twilio).toBeUndefined();
	});

	test("the original system's DB_URI selects MySQL; DATABASE_URL wins over it", () => {
		expect(loadConfig({ DB_URI: 'mysql://u:p@db:3306/spms' }).database).toEqual({ engine: 'mysql', url: 'mysql://u:p@db:3306/spms' });
		expect(loadConfig({ DB_URI: 'mysql://a@x/one', DATABASE_URL: 'mariadb://b@y/two' }).database).toEqual({ engine: 'mysql', url: 'mysql://b@y/two' });
	});

	test('empty variables count as unset', () => {
		expect(loadConfig({ DATABASE_URL: '', OCR_CONFIDENCE_THRESHOLD: '' }).ocrConfidenceThreshold).toBe(0.8);
	});

	test.each([
		['OCR_CONFIDENCE_THRESHOLD', '1.5'],
		['OCR_CONFIDENCE_THRESHOLD', 'high'],
		['BASE_RATE_PER_HOUR', '-5'],
		['BASE_RATE_PER_HOUR', '12.5'],
		['GRACE_PERIOD_MINUTES', 'ten'],
		['DEFAULT_TIME_ZONE', 'Mars/Olympus_Mons'],
		['DB_URI', 'postgres://x'],
		['TWILIO_ACCOUNT_SID', 'not-a-sid'],
		['TWILIO_FROM_NUMBER', '09876543210'],
		['TWILIO_API_BASE_URL', '127.0.0.1:4010'],
		['TWILIO_STATUS_CALLBACK_URL', '/api/v1/webhooks/twilio/status'],
		['SMS_QUIET_HOURS', '9pm-8am'],
		['SMS_QUIET_HOURS', '21:00-21:00'],
		['ORIGIN', 'parking.example.com'],
		['LPR_WORKERS', '0'],
		['LPR_WORKERS', 'two'],
		['METRICS_TOKEN', 'short'],
		['METRICS_ALLOW', '10.0.0.0/33'],
		['METRICS_ALLOW', 'localhost'],
		['RATE_LIMIT_CAPTURES_PER_MINUTE', '0'],
		['RATE_LIMIT_UPLOADS_PER_MINUTE', 'many'],
		['PERSONAL_DATA_RETENTION_DAYS', '7'],
		['PERSONAL_DATA_RETENTION_DAYS', 'forever']
	])('%s=%s is refused with a message naming it', (name, value) => {
		expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
		expect(() => loadConfig({ [name]: value })).toThrowError(new RegExp(`${name}="${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": expected`));
	});

	test('metrics: loopback may scrape unless told otherwise; a token is kept; none leaves only the token', () => {
		expect(loadConfig({}).metrics).toEqual({ token: undefined, allow: [{ address: '127.0.0.0', prefix: 8, family: 'ipv4' }, { address: '::1', prefix: 128, family: 'ipv6' }] });
		expect(loadConfig({ METRICS_TOKEN: 'a-long-scrape-secret', METRICS_ALLOW: 'none' }).metrics).toEqual({ token: 'a-long-scrape-secret', allow: [] });
		expect(loadConfig({}).rateLimits).toEqual({ capturesPerMinute: 120, uploadsPerMinute: 30 });
		expect(loadConfig({}).retention).toEqual({ personalDataDays: 365 });
		expect(loadConfig({ PERSONAL_DATA_RETENTION_DAYS: '90' }).retention).toEqual({ personalDataDays: 90 });
	});

	test('half an S3 or Twilio configuration is refused', () => {
		expect(() => loadConfig({ AWS_S3_BUCKET: 'spms-images' })).toThrowError(/AWS_S3_BUCKET and AWS_REGION/);
		expect(() => loadConfig({ TWILIO_AUTH_TOKEN: 't' })).toThrowError(/TWILIO_ACCOUNT_SID/);
		expect(() => loadConfig({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' })).toThrowError(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
	});

	test('S3: an endpoint means path style unless told otherwise; static keys are kept', () => {
		const base = { AWS_S3_BUCKET: 'spms-images', AWS_REGION: 'ap-south-1' };
		expect(loadConfig(base).s3).toEqual({ bucket: 'spms-images', region: 'ap-south-1', endpoint: undefined, forcePathStyle: false, credentials: undefined });
		const compat = loadConfig({ ...base, AWS_S3_ENDPOINT: 'http://127.0.0.1:9000', AWS_ACCESS_KEY_ID: 'minio', AWS_SECRET_ACCESS_KEY: 'minio-secret' }).s3;
		expect(compat).toMatchObject({ endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, credentials: { accessKeyId: 'minio', secretAccessKey: 'minio-secret' } });
		expect(loadConfig({ ...base, AWS_S3_ENDPOINT: 'http://s3.local', AWS_S3_FORCE_PATH_STYLE: 'false' }).s3?.forcePathStyle).toBe(false);
		expect(() => loadConfig({ ...base, AWS_S3_FORCE_PATH_STYLE: 'yes' })).toThrowError(/AWS_S3_FORCE_PATH_STYLE="yes": expected true or false/);
		expect(() => loadConfig({ ...base, AWS_S3_ENDPOINT: 'not a url' })).toThrowError(/AWS_S3_ENDPOINT/);
	});

	test('SMS: quiet hours default to 21:00-08:00 (off turns them off); the status callback comes from ORIGIN unless given', () => {
		expect(loadConfig({}).sms).toEqual({ statusCallbackUrl: undefined, quietHours: { fromMinute: 1260, untilMinute: 480 } });
		expect(loadConfig({ SMS_QUIET_HOURS: 'off' }).sms.quietHours).toBeNull();
		expect(loadConfig({ ORIGIN: 'https://p.example.com/' }).sms.statusCallbackUrl).toBe('https://p.example.com/api/v1/webhooks/twilio/status');
		expect(loadConfig({ ORIGIN: 'https://p.example.com', TWILIO_STATUS_CALLBACK_URL: 'https://hooks.example.com/s' }).sms.statusCallbackUrl).toBe('https://hooks.example.com/s');
		const twilio = { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM_NUMBER: '+14155550100' };
		expect(loadConfig({ ...twilio, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' }).twilio).toEqual({ accountSid: twilio.TWILIO_ACCOUNT_SID, authToken: 'secret', from: '+14155550100', apiBaseUrl: 'http://127.0.0.1:4010' });
	});
});
