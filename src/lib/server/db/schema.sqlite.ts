/**
 * The SQLite schema. It mirrors `schema.mysql.ts` table for table and column for column
 * (`schema.spec.ts` proves it), so repositories write one query that runs on both engines.
 * Instants are UTC epoch milliseconds; money is integer minor units (paise).
 */
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
	'users',
	{
		id: text('id').primaryKey(),
		email: text('email').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: text('role', { enum: ['admin', 'operator', 'patrol', 'driver'] }).notNull(),
		phone: text('phone'),
		createdAt: integer('created_at').notNull(),
		passwordChangedAt: integer('password_changed_at').notNull()
	},
	(t) => [uniqueIndex('users_email_uq').on(t.email)]
);

export const authSessions = sqliteTable(
	'auth_sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['cookie', 'bearer'] }).notNull(),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull()
	},
	(t) => [index('auth_sessions_user_idx').on(t.userId)]
);

export const deviceKeys = sqliteTable(
	'device_keys',
	{
		id: text('id').primaryKey(),
		name: text('name').notNull(),
		keyHash: text('key_hash').notNull(),
		keyPrefix: text('key_prefix').notNull(),
		createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: integer('created_at').notNull(),
		lastUsedAt: integer('last_used_at'),
		revokedAt: integer('revoked_at')
	},
	(t) => [uniqueIndex('device_keys_hash_uq').on(t.keyHash)]
);

export const rateLimits = sqliteTable('rate_limits', {
	key: text('key').primaryKey(),
	windowStart: integer('window_start').notNull(),
	hits: integer('hits').notNull()
});

export const setupTokens = sqliteTable('setup_tokens', {
	id: text('id').primaryKey(),
	createdAt: integer('created_at').notNull(),
	expiresAt: integer('expires_at').notNull(),
	usedAt: integer('used_at')
});

export const auditLog = sqliteTable(
	'audit_log',
	{
		id: text('id').primaryKey(),
		at: integer('at').notNull(),
		actorUserId: text('actor_user_id'),
		actorDeviceId: text('actor_device_id'),
		action: text('action').notNull(),
		entity: text('entity').notNull(),
		entityId: text('entity_id'),
		details: text('details', { mode: 'json' }).$type<Record<string, unknown>>()
	},
	(t) => [index('audit_log_at_idx').on(t.at), index('audit_log_entity_idx').on(t.entity, t.entityId)]
);

// --- Parking -------------------------------------------------------------------------------

export const lots = sqliteTable('lots', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	/** plate rules to apply: 'in' | 'br' | 'eu' | 'us' | 'generic' */
	country: text('country').notNull(),
	timeZone: text('time_zone').notNull(),
	currency: text('currency').notNull(),
	/** vehicle class → spaces, e.g. {"car": 120, "two-wheeler": 300} */
	capacity: text('capacity', { mode: 'json' }).$type<Record<string, number>>().notNull(),
	longStayMinutes: integer('long_stay_minutes').notNull(),
	imageRetentionDays: integer('image_retention_days').notNull(),
	createdAt: integer('created_at').notNull()
});

export const gates = sqliteTable(
	'gates',
	{
		id: text('id').primaryKey(),
		lotId: text('lot_id')
			.notNull()
			.references(() => lots.id),
		name: text('name').notNull(),
		direction: text('direction', { enum: ['entry', 'exit', 'both'] }).notNull(),
		cameraUrl: text('camera_url'),
		deviceKeyId: text('device_key_id').references(() => deviceKeys.id, { onDelete: 'set null' }),
		lastHeartbeatAt: integer('last_heartbeat_at'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [index('gates_lot_idx').on(t.lotId), uniqueIndex('gates_device_key_uq').on(t.deviceKeyId)]
);

export const vehicles = sqliteTable('vehicles', {
	plate: text('plate').primaryKey(),
	vehicleClass: text('vehicle_class').notNull(),
	ownerUserId: text('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
	phone: text('phone'),
	createdAt: integer('created_at').notNull(),
	updatedAt: integer('updated_at').notNull()
});

export const tariffPlans = sqliteTable(
	'tariff_plans',
	{
		id: text('id').primaryKey(),
		lotId: text('lot_id')
			.notNull()
			.references(() => lots.id),
		vehicleClass: text('vehicle_class').notNull(),
		plan: text('plan', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
		createdAt: integer('created_at').notNull(),
		createdBy: text('created_by')
	},
	(t) => [uniqueIndex('tariff_plans_lot_class_uq').on(t.lotId, t.vehicleClass)]
);

export const parkingSessions = sqliteTable(
	'parking_sessions',
	{
		id: text('id').primaryKey(),
		lotId: text('lot_id')
			.notNull()
			.references(() => lots.id),
		plate: text('plate').notNull(),
		vehicleClass: text('vehicle_class').notNull(),
		status: text('status', { enum: ['active', 'completed', 'voided'] }).notNull(),
		/** `lot:plate` while active, NULL otherwise: its unique index allows one active session per plate per lot */
		activeKey: text('active_key'),
		entryAt: integer('entry_at').notNull(),
		exitAt: integer('exit_at'),
		entryGateId: text('entry_gate_id'),
		exitGateId: text('exit_gate_id'),
		entryConfidence: real('entry_confidence'),
		exitPlateRead: text('exit_plate_read'),
		feePaise: integer('fee_paise'),
		paidPaise: integer('paid_paise').notNull(),
		tariffSnapshot: text('tariff_snapshot', { mode: 'json' }).$type<Record<string, unknown>>(),
		permitId: text('permit_id'),
		startedBy: text('started_by'),
		endedBy: text('ended_by'),
		createdAt: integer('created_at').notNull(),
		updatedAt: integer('updated_at').notNull()
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

export const payments = sqliteTable(
	'payments',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id')
			.notNull()
			.references(() => parkingSessions.id),
		lotId: text('lot_id').notNull(),
		amountPaise: integer('amount_paise').notNull(),
		method: text('method', { enum: ['cash', 'upi', 'card'] }).notNull(),
		reference: text('reference'),
		receivedBy: text('received_by'),
		at: integer('at').notNull()
	},
	(t) => [
		index('payments_session_idx').on(t.sessionId),
		// by lot and time; wide so the revenue reports read the index alone (the session id joins the class)
		index('payments_lot_at_idx').on(t.lotId, t.at, t.method, t.amountPaise, t.sessionId)
	]
);

export const permits = sqliteTable(
	'permits',
	{
		id: text('id').primaryKey(),
		plate: text('plate').notNull(),
		kind: text('kind', { enum: ['monthly', 'resident', 'staff'] }).notNull(),
		/** lot ids the permit is good for */
		lotIds: text('lot_ids', { mode: 'json' }).$type<string[]>().notNull(),
		validFrom: integer('valid_from').notNull(),
		validUntil: integer('valid_until').notNull(),
		holderName: text('holder_name'),
		phone: text('phone'),
		createdBy: text('created_by'),
		createdAt: integer('created_at').notNull(),
		revokedAt: integer('revoked_at')
	},
	(t) => [index('permits_plate_idx').on(t.plate, t.validUntil)]
);

export const hotlist = sqliteTable(
	'hotlist',
	{
		id: text('id').primaryKey(),
		plate: text('plate').notNull(),
		reason: text('reason').notNull(),
		priority: text('priority', { enum: ['low', 'medium', 'high'] }).notNull(),
		expiresAt: integer('expires_at'),
		createdBy: text('created_by'),
		createdAt: integer('created_at').notNull(),
		removedAt: integer('removed_at')
	},
	(t) => [index('hotlist_plate_idx').on(t.plate)]
);

export const anomalies = sqliteTable(
	'anomalies',
	{
		id: text('id').primaryKey(),
		lotId: text('lot_id').notNull(),
		kind: text('kind').notNull(),
		/** one row per fact: the rule's de-duplication key */
		dedupKey: text('dedup_key').notNull(),
		plate: text('plate'),
		sessionId: text('session_id'),
		relatedSessionId: text('related_session_id'),
		evidence: text('evidence', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
		/** how many times the rule fired for this fact */
		occurrences: integer('occurrences').notNull(),
		lastSeenAt: integer('last_seen_at').notNull(),
		status: text('status', { enum: ['open', 'acknowledged', 'resolved'] }).notNull(),
		note: text('note'),
		detectedAt: integer('detected_at').notNull(),
		reviewedBy: text('reviewed_by'),
		reviewedAt: integer('reviewed_at')
	},
	(t) => [
		uniqueIndex('anomalies_dedup_uq').on(t.dedupKey),
		index('anomalies_lot_status_idx').on(t.lotId, t.status, t.detectedAt),
		// reports: anomaly counts by kind over a range
		index('anomalies_lot_detected_idx').on(t.lotId, t.detectedAt, t.kind, t.status)
	]
);

/** Events for live streams across app instances: each instance tails this table by id. */
export const events = sqliteTable(
	'events',
	{
		seq: integer('seq').primaryKey({ autoIncrement: true }),
		lotId: text('lot_id'),
		type: text('type').notNull(),
		payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
		at: integer('at').notNull()
	},
	(t) => [index('events_at_idx').on(t.at)]
);

/** Leases that make a periodic job run on one instance at a time. */
export const jobLeases = sqliteTable('job_leases', {
	name: text('name').primaryKey(),
	holder: text('holder').notNull(),
	leaseUntil: integer('lease_until').notNull(),
	lastRunAt: integer('last_run_at'),
	/** runs started, ever: each claim counts one (how a test sees that a round ran once) */
	runs: integer('runs').notNull().default(0)
});

// --- Gates ---------------------------------------------------------------------------------

/**
 * Captures posted by gate cameras. The gate's capture id (`Idempotency-Key`) is unique per gate:
 * the first request claims the row (`processing`), does the work and stores its answer (`done`);
 * a retry finds the row and gets the same answer.
 */
export const gateCaptures = sqliteTable(
	'gate_captures',
	{
		id: text('id').primaryKey(),
		gateId: text('gate_id')
			.notNull()
			.references(() => gates.id),
		lotId: text('lot_id').notNull(),
		idempotencyKey: text('idempotency_key').notNull(),
		status: text('status', { enum: ['processing', 'done'] }).notNull(),
		capturedAt: integer('captured_at').notNull(),
		receivedAt: integer('received_at').notNull(),
		imageKey: text('image_key'),
		decision: text('decision', { enum: ['open', 'deny', 'hold'] }),
		plate: text('plate'),
		confidence: real('confidence'),
		reason: text('reason'),
		sessionId: text('session_id'),
		amountDuePaise: integer('amount_due_paise'),
		/** the answer sent to the gate, replayed to a retry */
		answer: text('answer', { mode: 'json' }).$type<Record<string, unknown>>(),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [
		uniqueIndex('gate_captures_idem_uq').on(t.gateId, t.idempotencyKey),
		index('gate_captures_lot_received_idx').on(t.lotId, t.receivedAt),
		index('gate_captures_gate_received_idx').on(t.gateId, t.receivedAt)
	]
);

/** Commands for a gate (open, close), picked up by its long poll and acknowledged once run. */
export const gateCommands = sqliteTable(
	'gate_commands',
	{
		id: text('id').primaryKey(),
		gateId: text('gate_id')
			.notNull()
			.references(() => gates.id),
		command: text('command', { enum: ['open', 'close'] }).notNull(),
		reason: text('reason').notNull(),
		captureId: text('capture_id'),
		issuedBy: text('issued_by'),
		issuedAt: integer('issued_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		deliveredAt: integer('delivered_at'),
		ackedAt: integer('acked_at')
	},
	// one command per capture: a held car is let through once, however many operators click
	(t) => [index('gate_commands_gate_idx').on(t.gateId, t.ackedAt, t.issuedAt), uniqueIndex('gate_commands_capture_uq').on(t.captureId)]
);

// --- Patrol (the PWA) ---------------------------------------------------------------------

/**
 * The lots a staff account is limited to. An account with no row here works in every lot (as
 * before this table existed); one with rows sees only those lots' cameras, snapshots and actions.
 */
export const userLots = sqliteTable(
	'user_lots',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		lotId: text('lot_id')
			.notNull()
			.references(() => lots.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.lotId] }), index('user_lots_lot_idx').on(t.lotId)]
);

/**
 * Actions recorded by the patrol app, often offline, and synced later. The id is made by the
 * phone when the action is recorded: the first sync to arrive inserts the row (in the same
 * transaction as the action's effect), so a retried or repeated sync applies it once and gets the
 * stored outcome back. Observations and violations live only here; session starts and ends
 * also change `parking_sessions` (linked by `session_id`).
 */
export const patrolActions = sqliteTable(
	'patrol_actions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id').notNull(),
		lotId: text('lot_id').notNull(),
		kind: text('kind', { enum: ['session.start', 'session.end', 'observation', 'violation'] }).notNull(),
		plate: text('plate').notNull(),
		/** when the patrol recorded it (the phone's clock) */
		at: integer('at').notNull(),
		receivedAt: integer('received_at').notNull(),
		/** applied, or a conflict the app shows (e.g. the session was ended meanwhile) */
		outcome: text('outcome', { enum: ['applied', 'conflict'] }).notNull(),
		code: text('code'),
		message: text('message'),
		sessionId: text('session_id'),
		evidenceKey: text('evidence_key'),
		/** location, note, violation reason, read confidence: as the app sent them */
		details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull()
	},
	(t) => [index('patrol_actions_lot_at_idx').on(t.lotId, t.at), index('patrol_actions_user_idx').on(t.userId, t.receivedAt)]
);

// --- SMS -----------------------------------------------------------------------------------

/**
 * The SMS outbox. A row is written in the same transaction as the event that causes it (a
 * payment, a hotlist hit, a scan's finding); the sender job claims due rows, sends them through
 * Twilio and records the outcome. `dedup_key` makes each alert once per fact (one expiry alert
 * per session and threshold); `twilio_sid` is unique, so one Twilio message answers one row.
 */
export const smsOutbox = sqliteTable(
	'sms_outbox',
	{
		id: text('id').primaryKey(),
		kind: text('kind').notNull(),
		lotId: text('lot_id'),
		/** E.164 */
		toPhone: text('to_phone').notNull(),
		body: text('body').notNull(),
		segments: integer('segments').notNull(),
		/** urgent kinds ignore quiet hours */
		priority: text('priority', { enum: ['urgent', 'normal'] }).notNull(),
		dedupKey: text('dedup_key').notNull(),
		/** what caused it, for people reading the outbox: `payment:<id>`, `session:<id>`, … */
		ref: text('ref'),
		status: text('status', { enum: ['pending', 'sending', 'accepted', 'failed', 'cancelled'] }).notNull(),
		/** why a pending row is waiting, for admins: "SMS not configured", "quiet hours", "retrying" */
		holdReason: text('hold_reason'),
		attempts: integer('attempts').notNull(),
		nextAttemptAt: integer('next_attempt_at').notNull(),
		claimedBy: text('claimed_by'),
		claimUntil: integer('claim_until'),
		/** the first attempt whose answer was never seen: Twilio may have the message, so look before resending */
		ambiguousSince: integer('ambiguous_since'),
		twilioSid: text('twilio_sid'),
		/** Twilio's own status: queued, sending, sent, delivered, undelivered, failed, … */
		twilioStatus: text('twilio_status'),
		errorCode: integer('error_code'),
		lastError: text('last_error'),
		createdAt: integer('created_at').notNull(),
		updatedAt: integer('updated_at').notNull(),
		acceptedAt: integer('accepted_at')
	},
	(t) => [
		uniqueIndex('sms_outbox_dedup_uq').on(t.dedupKey),
		uniqueIndex('sms_outbox_sid_uq').on(t.twilioSid),
		index('sms_outbox_due_idx').on(t.status, t.nextAttemptAt),
		index('sms_outbox_created_idx').on(t.createdAt)
	]
);

/** An admin's wording of a message kind; kinds without a row use the built-in template. */
export const smsTemplates = sqliteTable('sms_templates', {
	kind: text('kind').primaryKey(),
	body: text('body').notNull(),
	updatedAt: integer('updated_at').notNull(),
	updatedBy: text('updated_by')
});

/** Numbers that answered STOP (removed again by START). */
export const smsOptOuts = sqliteTable('sms_opt_outs', {
	phone: text('phone').primaryKey(),
	optedOutAt: integer('opted_out_at').notNull()
});

// --- Report rollups ------------------------------------------------------------------------

/**
 * Which lots' rollups below are built, and for what: the lot's time zone and the rules version
 * (the runtime's zone data and the stay buckets). A lot without a row, or whose zone or version
 * differ, is reported from the raw rows until the `report-rollups` job rebuilds it.
 */
export const reportRollupLots = sqliteTable('report_rollup_lots', {
	lotId: text('lot_id').primaryKey(),
	timeZone: text('time_zone').notNull(),
	version: text('version').notNull(),
	builtAt: integer('built_at').notNull()
});

/** Entries, exits and leavings (completed stays, at max(entry, exit)) per local hour index of the lot. */
export const reportHours = sqliteTable(
	'report_hours',
	{
		lotId: text('lot_id').notNull(),
		hour: integer('hour').notNull(),
		entries: integer('entries').notNull(),
		exits: integer('exits').notNull(),
		leaves: integer('leaves').notNull()
	},
	(t) => [primaryKey({ columns: [t.lotId, t.hour] })]
);

/** Payments per local day index of the payment's lot, the session's vehicle class and the method. */
export const reportRevenueDays = sqliteTable(
	'report_revenue_days',
	{
		lotId: text('lot_id').notNull(),
		day: integer('day').notNull(),
		vehicleClass: text('vehicle_class').notNull(),
		method: text('method').notNull(),
		paise: integer('paise').notNull(),
		payments: integer('payments').notNull()
	},
	(t) => [primaryKey({ columns: [t.lotId, t.day, t.vehicleClass, t.method] })]
);

/** Completed stays per local day index of the exit, vehicle class and length bucket. */
export const reportStayDays = sqliteTable(
	'report_stay_days',
	{
		lotId: text('lot_id').notNull(),
		day: integer('day').notNull(),
		vehicleClass: text('vehicle_class').notNull(),
		bucket: integer('bucket').notNull(),
		stays: integer('stays').notNull(),
		totalMs: integer('total_ms').notNull()
	},
	(t) => [primaryKey({ columns: [t.lotId, t.day, t.vehicleClass, t.bucket] })]
);

/**
 * What sessions and payments changed in the reports since the rollups were last brought up to
 * date, written in the same transaction as the change: one row per contribution added (n = 1) or
 * taken away (n = -1), at its instant (no time zone needed to write it). The job folds them into
 * the rollups; reports add the rows not folded yet.
 */
export const reportDeltas = sqliteTable(
	'report_deltas',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		lotId: text('lot_id').notNull(),
		kind: text('kind', { enum: ['entry', 'exit', 'leave', 'stay', 'payment'] }).notNull(),
		at: integer('at').notNull(),
		vehicleClass: text('vehicle_class'),
		method: text('method'),
		n: integer('n').notNull(),
		/** paise for a payment, the stay's length in ms for a stay, else 0 */
		amount: integer('amount').notNull()
	},
	(t) => [index('report_deltas_lot_idx').on(t.lotId, t.kind, t.at)]
);
