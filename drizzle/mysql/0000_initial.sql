CREATE TABLE `anomalies` (
	`id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`kind` varchar(32) NOT NULL,
	`dedup_key` varchar(190) NOT NULL,
	`plate` varchar(16),
	`session_id` varchar(64),
	`related_session_id` varchar(64),
	`evidence` json NOT NULL,
	`occurrences` int NOT NULL,
	`last_seen_at` bigint NOT NULL,
	`status` varchar(14) NOT NULL,
	`note` varchar(1000),
	`detected_at` bigint NOT NULL,
	`reviewed_by` varchar(64),
	`reviewed_at` bigint,
	CONSTRAINT `anomalies_id` PRIMARY KEY(`id`),
	CONSTRAINT `anomalies_dedup_uq` UNIQUE(`dedup_key`)
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` varchar(64) NOT NULL,
	`at` bigint NOT NULL,
	`actor_user_id` varchar(64),
	`actor_device_id` varchar(64),
	`action` varchar(64) NOT NULL,
	`entity` varchar(32) NOT NULL,
	`entity_id` varchar(64),
	`details` json,
	CONSTRAINT `audit_log_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `auth_sessions` (
	`id` varchar(64) NOT NULL,
	`user_id` varchar(64) NOT NULL,
	`kind` varchar(8) NOT NULL,
	`created_at` bigint NOT NULL,
	`expires_at` bigint NOT NULL,
	CONSTRAINT `auth_sessions_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `device_keys` (
	`id` varchar(64) NOT NULL,
	`name` varchar(100) NOT NULL,
	`key_hash` varchar(64) NOT NULL,
	`key_prefix` varchar(16) NOT NULL,
	`created_by` varchar(64),
	`created_at` bigint NOT NULL,
	`last_used_at` bigint,
	`revoked_at` bigint,
	CONSTRAINT `device_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `device_keys_hash_uq` UNIQUE(`key_hash`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` bigint AUTO_INCREMENT NOT NULL,
	`lot_id` varchar(64),
	`type` varchar(40) NOT NULL,
	`payload` json NOT NULL,
	`at` bigint NOT NULL,
	CONSTRAINT `events_seq` PRIMARY KEY(`seq`)
);
--> statement-breakpoint
CREATE TABLE `gates` (
	`id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`name` varchar(100) NOT NULL,
	`direction` varchar(8) NOT NULL,
	`camera_url` varchar(500),
	`device_key_id` varchar(64),
	`last_heartbeat_at` bigint,
	`created_at` bigint NOT NULL,
	CONSTRAINT `gates_id` PRIMARY KEY(`id`),
	CONSTRAINT `gates_device_key_uq` UNIQUE(`device_key_id`)
);
--> statement-breakpoint
CREATE TABLE `hotlist` (
	`id` varchar(64) NOT NULL,
	`plate` varchar(16) NOT NULL,
	`reason` varchar(200) NOT NULL,
	`priority` varchar(8) NOT NULL,
	`expires_at` bigint,
	`created_by` varchar(64),
	`created_at` bigint NOT NULL,
	`removed_at` bigint,
	CONSTRAINT `hotlist_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` varchar(64) NOT NULL,
	`holder` varchar(64) NOT NULL,
	`lease_until` bigint NOT NULL,
	`last_run_at` bigint,
	CONSTRAINT `job_leases_name` PRIMARY KEY(`name`)
);
--> statement-breakpoint
CREATE TABLE `lots` (
	`id` varchar(64) NOT NULL,
	`name` varchar(100) NOT NULL,
	`country` varchar(8) NOT NULL,
	`time_zone` varchar(64) NOT NULL,
	`currency` varchar(3) NOT NULL,
	`capacity` json NOT NULL,
	`long_stay_minutes` int NOT NULL,
	`image_retention_days` int NOT NULL,
	`created_at` bigint NOT NULL,
	CONSTRAINT `lots_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `parking_sessions` (
	`id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`plate` varchar(16) NOT NULL,
	`vehicle_class` varchar(24) NOT NULL,
	`status` varchar(10) NOT NULL,
	`active_key` varchar(90),
	`entry_at` bigint NOT NULL,
	`exit_at` bigint,
	`entry_gate_id` varchar(64),
	`exit_gate_id` varchar(64),
	`entry_confidence` double,
	`exit_plate_read` varchar(16),
	`fee_paise` bigint,
	`paid_paise` bigint NOT NULL,
	`tariff_snapshot` json,
	`permit_id` varchar(64),
	`started_by` varchar(64),
	`ended_by` varchar(64),
	`created_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	CONSTRAINT `parking_sessions_id` PRIMARY KEY(`id`),
	CONSTRAINT `parking_sessions_active_uq` UNIQUE(`active_key`)
);
--> statement-breakpoint
CREATE TABLE `payments` (
	`id` varchar(64) NOT NULL,
	`session_id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`amount_paise` bigint NOT NULL,
	`method` varchar(8) NOT NULL,
	`reference` varchar(100),
	`received_by` varchar(64),
	`at` bigint NOT NULL,
	CONSTRAINT `payments_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `permits` (
	`id` varchar(64) NOT NULL,
	`plate` varchar(16) NOT NULL,
	`kind` varchar(10) NOT NULL,
	`lot_ids` json NOT NULL,
	`valid_from` bigint NOT NULL,
	`valid_until` bigint NOT NULL,
	`holder_name` varchar(100),
	`phone` varchar(20),
	`created_by` varchar(64),
	`created_at` bigint NOT NULL,
	`revoked_at` bigint,
	CONSTRAINT `permits_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` varchar(200) NOT NULL,
	`window_start` bigint NOT NULL,
	`hits` bigint NOT NULL,
	CONSTRAINT `rate_limits_key` PRIMARY KEY(`key`)
);
--> statement-breakpoint
CREATE TABLE `setup_tokens` (
	`id` varchar(64) NOT NULL,
	`created_at` bigint NOT NULL,
	`expires_at` bigint NOT NULL,
	`used_at` bigint,
	CONSTRAINT `setup_tokens_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `tariff_plans` (
	`id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`vehicle_class` varchar(24) NOT NULL,
	`plan` json NOT NULL,
	`created_at` bigint NOT NULL,
	`created_by` varchar(64),
	CONSTRAINT `tariff_plans_id` PRIMARY KEY(`id`),
	CONSTRAINT `tariff_plans_lot_class_uq` UNIQUE(`lot_id`,`vehicle_class`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` varchar(64) NOT NULL,
	`email` varchar(320) NOT NULL,
	`password_hash` varchar(255) NOT NULL,
	`role` varchar(16) NOT NULL,
	`phone` varchar(20),
	`created_at` bigint NOT NULL,
	`password_changed_at` bigint NOT NULL,
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_email_uq` UNIQUE(`email`)
);
--> statement-breakpoint
CREATE TABLE `vehicles` (
	`plate` varchar(16) NOT NULL,
	`vehicle_class` varchar(24) NOT NULL,
	`owner_user_id` varchar(64),
	`phone` varchar(20),
	`created_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	CONSTRAINT `vehicles_plate` PRIMARY KEY(`plate`)
);
--> statement-breakpoint
ALTER TABLE `auth_sessions` ADD CONSTRAINT `auth_sessions_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `device_keys` ADD CONSTRAINT `device_keys_created_by_users_id_fk` FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `gates` ADD CONSTRAINT `gates_lot_id_lots_id_fk` FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `gates` ADD CONSTRAINT `gates_device_key_id_device_keys_id_fk` FOREIGN KEY (`device_key_id`) REFERENCES `device_keys`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `parking_sessions` ADD CONSTRAINT `parking_sessions_lot_id_lots_id_fk` FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `payments` ADD CONSTRAINT `payments_session_id_parking_sessions_id_fk` FOREIGN KEY (`session_id`) REFERENCES `parking_sessions`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `tariff_plans` ADD CONSTRAINT `tariff_plans_lot_id_lots_id_fk` FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `vehicles` ADD CONSTRAINT `vehicles_owner_user_id_users_id_fk` FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `anomalies_lot_status_idx` ON `anomalies` (`lot_id`,`status`,`detected_at`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE INDEX `auth_sessions_user_idx` ON `auth_sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `events_at_idx` ON `events` (`at`);--> statement-breakpoint
CREATE INDEX `gates_lot_idx` ON `gates` (`lot_id`);--> statement-breakpoint
CREATE INDEX `hotlist_plate_idx` ON `hotlist` (`plate`);--> statement-breakpoint
CREATE INDEX `parking_sessions_lot_entry_idx` ON `parking_sessions` (`lot_id`,`entry_at`);--> statement-breakpoint
CREATE INDEX `parking_sessions_plate_idx` ON `parking_sessions` (`plate`,`entry_at`);--> statement-breakpoint
CREATE INDEX `parking_sessions_status_idx` ON `parking_sessions` (`lot_id`,`status`,`entry_at`);--> statement-breakpoint
CREATE INDEX `payments_session_idx` ON `payments` (`session_id`);--> statement-breakpoint
CREATE INDEX `payments_lot_at_idx` ON `payments` (`lot_id`,`at`);--> statement-breakpoint
CREATE INDEX `permits_plate_idx` ON `permits` (`plate`,`valid_until`);