CREATE TABLE `anomalies` (
	`id` text PRIMARY KEY NOT NULL,
	`lot_id` text NOT NULL,
	`kind` text NOT NULL,
	`dedup_key` text NOT NULL,
	`plate` text,
	`session_id` text,
	`related_session_id` text,
	`evidence` text NOT NULL,
	`occurrences` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`detected_at` integer NOT NULL,
	`reviewed_by` text,
	`reviewed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `anomalies_dedup_uq` ON `anomalies` (`dedup_key`);--> statement-breakpoint
CREATE INDEX `anomalies_lot_status_idx` ON `anomalies` (`lot_id`,`status`,`detected_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor_user_id` text,
	`actor_device_id` text,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `auth_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `auth_sessions_user_idx` ON `auth_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `device_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_keys_hash_uq` ON `device_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lot_id` text,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_at_idx` ON `events` (`at`);--> statement-breakpoint
CREATE TABLE `gates` (
	`id` text PRIMARY KEY NOT NULL,
	`lot_id` text NOT NULL,
	`name` text NOT NULL,
	`direction` text NOT NULL,
	`camera_url` text,
	`device_key_id` text,
	`last_heartbeat_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`device_key_id`) REFERENCES `device_keys`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `gates_lot_idx` ON `gates` (`lot_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `gates_device_key_uq` ON `gates` (`device_key_id`);--> statement-breakpoint
CREATE TABLE `hotlist` (
	`id` text PRIMARY KEY NOT NULL,
	`plate` text NOT NULL,
	`reason` text NOT NULL,
	`priority` text NOT NULL,
	`expires_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE INDEX `hotlist_plate_idx` ON `hotlist` (`plate`);--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`lease_until` integer NOT NULL,
	`last_run_at` integer
);
--> statement-breakpoint
CREATE TABLE `lots` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`country` text NOT NULL,
	`time_zone` text NOT NULL,
	`currency` text NOT NULL,
	`capacity` text NOT NULL,
	`long_stay_minutes` integer NOT NULL,
	`image_retention_days` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `parking_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`lot_id` text NOT NULL,
	`plate` text NOT NULL,
	`vehicle_class` text NOT NULL,
	`status` text NOT NULL,
	`active_key` text,
	`entry_at` integer NOT NULL,
	`exit_at` integer,
	`entry_gate_id` text,
	`exit_gate_id` text,
	`entry_confidence` real,
	`exit_plate_read` text,
	`fee_paise` integer,
	`paid_paise` integer NOT NULL,
	`tariff_snapshot` text,
	`permit_id` text,
	`started_by` text,
	`ended_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `parking_sessions_active_uq` ON `parking_sessions` (`active_key`);--> statement-breakpoint
CREATE INDEX `parking_sessions_lot_entry_idx` ON `parking_sessions` (`lot_id`,`entry_at`);--> statement-breakpoint
CREATE INDEX `parking_sessions_plate_idx` ON `parking_sessions` (`plate`,`entry_at`);--> statement-breakpoint
CREATE INDEX `parking_sessions_status_idx` ON `parking_sessions` (`lot_id`,`status`,`entry_at`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`lot_id` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`method` text NOT NULL,
	`reference` text,
	`received_by` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `parking_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payments_session_idx` ON `payments` (`session_id`);--> statement-breakpoint
CREATE INDEX `payments_lot_at_idx` ON `payments` (`lot_id`,`at`);--> statement-breakpoint
CREATE TABLE `permits` (
	`id` text PRIMARY KEY NOT NULL,
	`plate` text NOT NULL,
	`kind` text NOT NULL,
	`lot_ids` text NOT NULL,
	`valid_from` integer NOT NULL,
	`valid_until` integer NOT NULL,
	`holder_name` text,
	`phone` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE INDEX `permits_plate_idx` ON `permits` (`plate`,`valid_until`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`hits` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `setup_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE TABLE `tariff_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`lot_id` text NOT NULL,
	`vehicle_class` text NOT NULL,
	`plan` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text,
	FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tariff_plans_lot_class_uq` ON `tariff_plans` (`lot_id`,`vehicle_class`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`phone` text,
	`created_at` integer NOT NULL,
	`password_changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `vehicles` (
	`plate` text PRIMARY KEY NOT NULL,
	`vehicle_class` text NOT NULL,
	`owner_user_id` text,
	`phone` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
