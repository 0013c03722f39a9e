CREATE TABLE `gate_captures` (
	`id` text PRIMARY KEY NOT NULL,
	`gate_id` text NOT NULL,
	`lot_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`status` text NOT NULL,
	`captured_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`image_key` text,
	`decision` text,
	`plate` text,
	`confidence` real,
	`reason` text,
	`session_id` text,
	`amount_due_paise` integer,
	`answer` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`gate_id`) REFERENCES `gates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gate_captures_idem_uq` ON `gate_captures` (`gate_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `gate_captures_lot_received_idx` ON `gate_captures` (`lot_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `gate_captures_gate_received_idx` ON `gate_captures` (`gate_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `gate_commands` (
	`id` text PRIMARY KEY NOT NULL,
	`gate_id` text NOT NULL,
	`command` text NOT NULL,
	`reason` text NOT NULL,
	`capture_id` text,
	`issued_by` text,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`delivered_at` integer,
	`acked_at` integer,
	FOREIGN KEY (`gate_id`) REFERENCES `gates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `gate_commands_gate_idx` ON `gate_commands` (`gate_id`,`acked_at`,`issued_at`);