/**
 * The MySQL / MariaDB schema: the twin of `schema.sqlite.ts` (see there; `schema.spec.ts`
 * keeps the two in step). Ids are 32-character strings, instants BIGINT epoch milliseconds.
 */
import { bigint, double, index, int, json, mysqlTable, primaryKey, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';

const ms = (name: string) => bigint(name, { mode: 'number' });
const id = (name: string) => varchar(name, { length: 64 });

export const users = mysqlTable(
	'users',
	{
		id: id('id').primaryKey(),
		email: varchar('email', { length: 320 }).notNull(),
		passwordHash: varchar('password_hash', { length: 255 }).notNull(),
		role: varchar('role', { length: 16, enum: ['admin', 'operator', 'patrol', 'driver'] }).notNull(),
		phone: varchar('phone', { length: 20 }),
		createdAt: ms('created_at').notNull(),
		passwordChangedAt: ms('password_changed_at').notNull()
	},
	(t) => [uniqueIndex('users_email_uq').on(t.email)]
);

export const authSessions = mysqlTable(
	'auth_sessions',
	{
		id: id('id').primaryKey(),
		userId: id('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: varchar('kind', { length: 8, enum: ['cookie', 'bearer'] }).notNull(),
		createdAt: ms('created_at').notNull(),
		expiresAt: ms('expires_at').notNull()
	},
	(t) => [index('auth_sessions_user_idx').on(t.userId)]
);

export const deviceKeys = mysqlTable(
	'device_keys',
	{
		id: id('id').primaryKey(),
		name: varchar('name', { length: 100 }).notNull(),
		keyHash: varchar('key_hash', { length: 64 }).notNull(),
		keyPrefix: varchar('key_prefix', { length: 16 }).notNull(),
		createdBy: id('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: ms('created_at').notNull(),
		lastUsedAt: ms('last_used_at'),
		revokedAt: ms('revoked_at')
	},
	(t) => [uniqueIndex('device_keys_hash_uq').on(t.keyHash)]
);

export const rateLimits = mysqlTable('rate_limits', {
	key: varchar('key', { length: 200 }).primaryKey(),
	windowStart: ms('window_start').notNull(),
	hits: bigint('hits', { mode: 'number' }).notNull()
});

export const setupTokens = mysqlTable('setup_tokens', {
	id: id('id').primaryKey(),
	createdAt: ms('created_at').notNull(),
	expiresAt: ms('expires_at').notNull(),
	usedAt: ms('used_at')
});

export const auditLog = mysqlTable(
	'audit_log',
	{
		id: id('id').primaryKey(),
		at: ms('at').notNull(),
		actorUserId: id('actor_user_id'),
		actorDeviceId: id('actor_device_id'),
		action: varchar('action', { length: 64 }).notNull(),
		entity: varchar('entity', { length: 32 }).notNull(),
		entityId: id('entity_id'),
		details: json('details').$type<Record<string, unknown>>()
	},
	(t) => [index('audit_log_at_idx').on(t.at), index('audit_log_entity_idx').on(t.entity, t.entityId)]
);

// --- Parking (twin of schema.sqlite.ts; comments there) ----------------------------------------

const plate = (name: string) => varchar(name, { length: 16 });
const money = (name: string) => bigint(name, { mode: 'number' });

export const lots = mysqlTable('lots', {
	id: id('id').primaryKey(),
	name: varchar('name', { length: 100 }).notNull(),
	country: varchar('country', { length: 8 }).notNull(),
	timeZone: varchar('time_zone', { length: 64 }).notNull(),
	currency: varchar('currency', { length: 3 }).notNull(),
	capacity: json('capacity').$type<Record<string, number>>().notNull(),
	longStayMinutes: int('long_stay_minutes').notNull(),
	imageRetentionDays: int('image_retention_days').notNull(),
	createdAt: ms('created_at').notNull()
});

export const gates = mysqlTable(
	'gates',
	{
		id: id('id').primaryKey(),
		lotId: id('lot_id')
			.notNull()
			.references(() => lots.id),
		name: varchar('name', { length: 100 }).notNull(),
		direction: varchar('direction', { length: 8, enum: ['entry', 'exit', 'both'] }).notNull(),
		cameraUrl: varchar('camera_url', { length: 500 }),
		deviceKeyId: id('device_key_id').references(() => deviceKeys.id, { onDelete: 'set null' }),
		lastHeartbeatAt: ms('last_heartbeat_at'),
		createdAt: ms('created_at').notNull()
	},
	(t) => [index('gates_lot_idx').on(t.lotId), uniqueIndex('gates_device_key_uq').on(t.deviceKeyId)]
);

export const vehicles = mysqlTable('vehicles', {
	plate: plate('plate').primaryKey(),
	vehicleClass: varchar('vehicle_class', { length: 24 }).notNull(),
	ownerUserId: id('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
	phone: varchar('phone', { length: 20 }),
	createdAt: ms('created_at').notNull(),
	updatedAt: ms('updated_at').notNull()
});

export const tariffPlans = mysqlTable(
	'tariff_plans',
	{
		id: id('id').primaryKey(),
		lotId: id('lot_id')
			.notNull()
			.references(() => lots.id),
		vehicleClass: varchar('vehicle_class', { length: 24 }).notNull(),
		plan: json('plan').$type<Record<string, unknown>>().notNull(),
		createdAt: ms('created_at').notNull(),
		createdBy: id('created_by')
	},
	(t) => [uniqueIndex('tariff_plans_lot_class_uq').on(t.lotId, t.vehicleClass)]
);

export const parkingSessions = mysqlTable(
	'parking_sessions',
	{
		id: id('id').primaryKey(),
		lotId: id('lot_id')
			.notNull()
			.references(() => lots.id),
		plate: plate('plate').notNull(),
		vehicleClass: varchar('vehicle_class', { length: 24 }).notNull(),
		status: varchar('status', { length: 10, enum: ['active', 'completed', 'voided'] }).notNull(),
		activeKey: varchar('active_key', { length: 90 }),
		entryAt: ms('entry_at').notNull(),
		exitAt: ms('exit_at'),
		entryGateId: id('entry_gate_id'),
		exitGateId: id('exit_gate_id'),
		entryConfidence: double('entry_confidence'),
		exitPlateRead: plate('exit_plate_read'),
		feePaise: money('fee_paise'),
		paidPaise: money('paid_paise').notNull(),
		tariffSnapshot: json('tariff_snapshot').$type<Record<string, unknown>>(),
		permitId: id('permit_id'),
		startedBy: id('started_by'),
		endedBy: id('ended_by'),
		createdAt: ms('created_at').notNull(),
		updatedAt: ms('updated_at').notNull()
	},
	(t) => [
		uniqueIndex('parking_sessions_active_uq').on(t.activeKey),
		index('parking_sessions_lot_entry_idx').on(t.lotId, t.entryAt),
		index('parking_sessions_plate_idx').on(t.plate, t.entryAt),
		index('parking_sessions_status_idx').on(t.lotId, t.status, t.entryAt),
		// the occupancy count every start and end makes, answered from the index alone
		index('parking_sessions_occupancy_idx').on(t.lotId, t.status, t.vehicleClass),
		// reports: exits per hour, stays by class and exits today, answered from the index alone
		index('parking_sessions_lot_exit_idx').on(t.lotId, t.exitAt, t.status, t.entryAt, t.vehicleClass)
	]
);

export const payments = mysqlTable(
	'payments',
	{
		id: id('id').primaryKey(),
		sessionId: id('session_id')
			.notNull()
			.references(() => parkingSessions.id),
		lotId: id('lot_id').notNull(),
		amountPaise: money('amount_paise').notNull(),
		method: varchar('method', { length: 8, enum: ['cash', 'upi', 'card'] }).notNull(),
		reference: varchar('reference', { length: 100 }),
		receivedBy: id('received_by'),
		at: ms('at').notNull()
	},
	(t) => [
		index('payments_session_idx').on(t.sessionId),
		// by lot and time; wide so the revenue reports read the index alone (the session id joins the class)
		index('payments_lot_at_idx').on(t.lotId, t.at, t.method, t.amountPaise, t.sessionId)
	]
);

export const permits = mysqlTable(
	'permits',
	{
		id: id('id').primaryKey(),
		plate: plate('plate').notNull(),
		kind: varchar('kind', { length: 10, enum: ['monthly', 'resident', 'staff'] }).notNull(),
		lotIds: json('lot_ids').$type<string[]>().notNull(),
		validFrom: ms('valid_from').notNull(),
		validUntil: ms('valid_until').notNull(),
		holderName: varchar('holder_name', { length: 100 }),
		phone: varchar('phone', { length: 20 }),
		createdBy: id('created_by'),
		createdAt: ms('created_at').notNull(),
		revokedAt: ms('revoked_at')
	},
	(t) => [index('permits_plate_idx').on(t.plate, t.validUntil)]
);

export const hotlist = mysqlTable(
	'hotlist',
	{
		id: id('id').primaryKey(),
		plate: plate('plate').notNull(),
		reason: varchar('reason', { length: 200 }).notNull(),
		priority: varchar('priority', { length: 8, enum: ['low', 'medium', 'high'] }).notNull(),
		expiresAt: ms('expires_at'),
		createdBy: id('created_by'),
		createdAt: ms('created_at').notNull(),
		removedAt: ms('removed_at')
	},
	(t) => [index('hotlist_plate_idx').on(t.plate)]
);

export const anomalies = mysqlTable(
	'anomalies',
	{
		id: id('id').primaryKey(),
		lotId: id('lot_id').notNull(),
		kind: varchar('kind', { length: 32 }).notNull(),
		dedupKey: varchar('dedup_key', { length: 190 }).notNull(),
		plate: plate('plate'),
		sessionId: id('session_id'),
		relatedSessionId: id('related_session_id'),
		evidence: json('evidence').$type<Record<string, unknown>>().notNull(),
		/** how many times the rule fired for this fact */
		occurrences: int('occurrences').notNull(),
		lastSeenAt: ms('last_seen_at').notNull(),
		status: varchar('status', { length: 14, enum: ['open', 'acknowledged', 'resolved'] }).notNull(),
		note: varchar('note', { length: 1000 }),
		detectedAt: ms('detected_at').notNull(),
		reviewedBy: id('reviewed_by'),
		reviewedAt: ms('reviewed_at')
	},
	(t) => [
		uniqueIndex('anomalies_dedup_uq').on(t.dedupKey),
		index('anomalies_lot_status_idx').on(t.lotId, t.status, t.detectedAt),
		// reports: anomaly counts by kind over a range
		index('anomalies_lot_detected_idx').on(t.lotId, t.detectedAt, t.kind, t.status)
	]
);

export const events = mysqlTable(
	'events',
	{
		seq: bigint('seq', { mode: 'number' }).autoincrement().primaryKey(),
		lotId: id('lot_id'),
		type: varchar('type', { length: 40 }).notNull(),
		payload: json('payload').$type<Record<string, unknown>>().notNull(),
		at: ms('at').notNull()
	},
	(t) => [index('events_at_idx').on(t.at)]
);

export const jobLeases = mysqlTable('job_leases', {
	name: varchar('name', { length: 64 }).primaryKey(),
	holder: varchar('holder', { length: 64 }).notNull(),
	leaseUntil: ms('lease_until').notNull(),
	lastRunAt: ms('last_run_at'),
	/** runs started, ever: each claim counts one (how a test sees that a round ran once) */
	runs: int('runs').notNull().default(0)
});

export const gateCaptures = mysqlTable(
	'gate_captures',
	{
		id: id('id').primaryKey(),
		gateId: id('gate_id')
			.notNull()
			.references(() => gates.id),
		lotId: id('lot_id').notNull(),
		idempotencyKey: varchar('idempotency_key', { length: 100 }).notNull(),
		status: varchar('status', { length: 12, enum: ['processing', 'done'] }).notNull(),
		capturedAt: ms('captured_at').notNull(),
		receivedAt: ms('received_at').notNull(),
		imageKey: varchar('image_key', { length: 300 }),
		decision: varchar('decision', { length: 8, enum: ['open', 'deny', 'hold'] }),
		plate: plate('plate'),
		confidence: double('confidence'),
		reason: varchar('reason', { length: 40 }),
		sessionId: id('session_id'),
		amountDuePaise: money('amount_due_paise'),
		answer: json('answer').$type<Record<string, unknown>>(),
		updatedAt: ms('updated_at').notNull()
	},
	(t) => [
		uniqueIndex('gate_captures_idem_uq').on(t.gateId, t.idempotencyKey),
		index('gate_captures_lot_received_idx').on(t.lotId, t.receivedAt),
		index('gate_captures_gate_received_idx').on(t.gateId, t.receivedAt)
	]
);

export const gateCommands = mysqlTable(
	'gate_commands',
	{
		id: id('id').primaryKey(),
		gateId: id('gate_id')
			.notNull()
			.references(() => gates.id),
		command: varchar('command', { length: 8, enum: ['open', 'close'] }).notNull(),
		reason: varchar('reason', { length: 500 }).notNull(),
		captureId: id('capture_id'),
		issuedBy: id('issued_by'),
		issuedAt: ms('issued_at').notNull(),
		expiresAt: ms('expires_at').notNull(),
		deliveredAt: ms('delivered_at'),
		ackedAt: ms('acked_at')
	},
	// one command per capture: a held car is let through once, however many operators click
	(t) => [index('gate_commands_gate_idx').on(t.gateId, t.ackedAt, t.issuedAt), uniqueIndex('gate_commands_capture_uq').on(t.captureId)]
);

// --- Patrol (the PWA) ---------------------------------------------------------------------

export const userLots = mysqlTable(
	'user_lots',
	{
		userId: id('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		lotId: id('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'cascade' }),
		createdAt: ms('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.lotId] }), index('user_lots_lot_idx').on(t.lotId)]
);

export const patrolActions = mysqlTable(
	'patrol_actions',
	{
		id: id('id').primaryKey(),
		userId: id('user_id').notNull(),
		lotId: id('lot_id').notNull(),
		kind: varchar('kind', { length: 16, enum: ['session.start', 'session.end', 'observation', 'violation'] }).notNull(),
		plate: plate('plate').notNull(),
		at: ms('at').notNull(),
		receivedAt: ms('received_at').notNull(),
		outcome: varchar('outcome', { length: 8, enum: ['applied', 'conflict'] }).notNull(),
		code: varchar('code', { length: 64 }),
		message: varchar('message', { length: 500 }),
		sessionId: id('session_id'),
		evidenceKey: varchar('evidence_key', { length: 300 }),
		details: json('details').$type<Record<string, unknown>>().notNull()
	},
	(t) => [index('patrol_actions_lot_at_idx').on(t.lotId, t.at), index('patrol_actions_user_idx').on(t.userId, t.receivedAt)]
);

export const smsOutbox = mysqlTable(
	'sms_outbox',
	{
		id: id('id').primaryKey(),
		kind: varchar('kind', { length: 32 }).notNull(),
		lotId: id('lot_id'),
		toPhone: varchar('to_phone', { length: 20 }).notNull(),
		body: varchar('body', { length: 1600 }).notNull(),
		segments: int('segments').notNull(),
		priority: varchar('priority', { length: 8, enum: ['urgent', 'normal'] }).notNull(),
		dedupKey: varchar('dedup_key', { length: 190 }).notNull(),
		ref: varchar('ref', { length: 100 }),
		status: varchar('status', { length: 10, enum: ['pending', 'sending', 'accepted', 'failed', 'cancelled'] }).notNull(),
		holdReason: varchar('hold_reason', { length: 100 }),
		attempts: int('attempts').notNull(),
		nextAttemptAt: ms('next_attempt_at').notNull(),
		claimedBy: id('claimed_by'),
		claimUntil: ms('claim_until'),
		ambiguousSince: ms('ambiguous_since'),
		twilioSid: varchar('twilio_sid', { length: 34 }),
		twilioStatus: varchar('twilio_status', { length: 20 }),
		errorCode: int('error_code'),
		lastError: varchar('last_error', { length: 500 }),
		createdAt: ms('created_at').notNull(),
		updatedAt: ms('updated_at').notNull(),
		acceptedAt: ms('accepted_at')
	},
	(t) => [
		uniqueIndex('sms_outbox_dedup_uq').on(t.dedupKey),
		uniqueIndex('sms_outbox_sid_uq').on(t.twilioSid),
		index('sms_outbox_due_idx').on(t.status, t.nextAttemptAt),
		index('sms_outbox_created_idx').on(t.createdAt)
	]
);

export const smsTemplates = mysqlTable('sms_templates', {
	kind: varchar('kind', { length: 32 }).primaryKey(),
	body: varchar('body', { length: 1600 }).notNull(),
	updatedAt: ms('updated_at').notNull(),
	updatedBy: id('updated_by')
});

export const smsOptOuts = mysqlTable('sms_opt_outs', {
	phone: varchar('phone', { length: 20 }).primaryKey(),
	optedOutAt: ms('opted_out_at').notNull()
});

// --- Report rollups (see schema.sqlite.ts) -------------------------------------------------

export const reportRollupLots = mysqlTable('report_rollup_lots', {
	lotId: id('lot_id').primaryKey(),
	timeZone: varchar('time_zone', { length: 64 }).notNull(),
	version: varchar('version', { length: 64 }).notNull(),
	builtAt: ms('built_at').notNull()
});

export const reportHours = mysqlTable(
	'report_hours',
	{
		lotId: id('lot_id').notNull(),
		hour: int('hour').notNull(),
		entries: int('entries').notNull(),
		exits: int('exits').notNull(),
		leaves: int('leaves').notNull()
	},
	(t) => [primaryKey({ columns: [t.lotId, t.hour] })]
);

export const reportRevenueDays = mysqlTable(
	'report_revenue_days',
	{
		lotId: id('lot_id').notNull(),
		day: int('day').notNull(),
		vehicleClass: varchar('vehicle_class', { length: 24 }).notNull(),
		method: varchar('method', { length: 8 }).notNull(),
		paise: money('paise').notNull(),
		payments: int('payments').notNull()
	},
	(t) => [primaryKey({ columns: [t.lotId, t.day, t.vehicleClass, t.method] })]
);

export const reportStayDays = mysqlTable(
	'report_stay_days',
	{
		lotId: id('lot_id').notNull(),
		day: int('day').notNull(),
		vehicleClass: varchar('vehicle_class', { length: 24 }).notNull(),
		bucket: int('bucket').notNull(),
		stays: int('stays').notNull(),
		totalMs: ms('total_ms').notNull()
	},
	(t) => [primaryKey({ columns: [t.lotId, t.day, t.vehicleClass, t.bucket] })]
);

export const reportDeltas = mysqlTable(
	'report_deltas',
	{
		id: bigint('id', { mode: 'number' }).autoincrement().primaryKey(),
		lotId: id('lot_id').notNull(),
		kind: varchar('kind', { length: 8, enum: ['entry', 'exit', 'leave', 'stay', 'payment'] }).notNull(),
		at: ms('at').notNull(),
		vehicleClass: varchar('vehicle_class', { length: 24 }),
		method: varchar('method', { length: 8 }),
		n: int('n').notNull(),
		amount: bigint('amount', { mode: 'number' }).notNull()
	},
	(t) => [index('report_deltas_lot_idx').on(t.lotId, t.kind, t.at)]
);
