CREATE TABLE `gate_captures` (
	`id` varchar(64) NOT NULL,
	`gate_id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`idempotency_key` varchar(100) NOT NULL,
	`status` varchar(12) NOT NULL,
	`captured_at` bigint NOT NULL,
	`received_at` bigint NOT NULL,
	`image_key` varchar(300),
	`decision` varchar(8),
	`plate` varchar(16),
	`confidence` double,
	`reason` varchar(40),
	`session_id` varchar(64),
	`amount_due_paise` bigint,
	`answer` json,
	`updated_at` bigint NOT NULL,
	CONSTRAINT `gate_captures_id` PRIMARY KEY(`id`),
	CONSTRAINT `gate_captures_idem_uq` UNIQUE(`gate_id`,`idempotency_key`)
);
--> statement-breakpoint
CREATE TABLE `gate_commands` (
	`id` varchar(64) NOT NULL,
	`gate_id` varchar(64) NOT NULL,
	`command` varchar(8) NOT NULL,
	`reason` varchar(500) NOT NULL,
	`capture_id` varchar(64),
	`issued_by` varchar(64),
	`issued_at` bigint NOT NULL,
	`expires_at` bigint NOT NULL,
	`delivered_at` bigint,
	`acked_at` bigint,
	CONSTRAINT `gate_commands_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `gate_captures` ADD CONSTRAINT `gate_captures_gate_id_gates_id_fk` FOREIGN KEY (`gate_id`) REFERENCES `gates`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `gate_commands` ADD CONSTRAINT `gate_commands_gate_id_gates_id_fk` FOREIGN KEY (`gate_id`) REFERENCES `gates`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `gate_captures_lot_received_idx` ON `gate_captures` (`lot_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `gate_captures_gate_received_idx` ON `gate_captures` (`gate_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `gate_commands_gate_idx` ON `gate_commands` (`gate_id`,`acked_at`,`issued_at`);