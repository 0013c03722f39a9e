CREATE TABLE `sms_opt_outs` (
	`phone` text PRIMARY KEY NOT NULL,
	`opted_out_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sms_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`lot_id` text,
	`to_phone` text NOT NULL,
	`body` text NOT NULL,
	`segments` integer NOT NULL,
	`priority` text NOT NULL,
	`dedup_key` text NOT NULL,
	`ref` text,
	`status` text NOT NULL,
	`hold_reason` text,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claimed_by` text,
	`claim_until` integer,
	`ambiguous_since` integer,
	`twilio_sid` text,
	`twilio_status` text,
	`error_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`accepted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sms_outbox_dedup_uq` ON `sms_outbox` (`dedup_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `sms_outbox_sid_uq` ON `sms_outbox` (`twilio_sid`);--> statement-breakpoint
CREATE INDEX `sms_outbox_due_idx` ON `sms_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `sms_outbox_created_idx` ON `sms_outbox` (`created_at`);--> statement-breakpoint
CREATE TABLE `sms_templates` (
	`kind` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
