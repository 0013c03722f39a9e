CREATE TABLE `sms_opt_outs` (
	`phone` varchar(20) NOT NULL,
	`opted_out_at` bigint NOT NULL,
	CONSTRAINT `sms_opt_outs_phone` PRIMARY KEY(`phone`)
);
--> statement-breakpoint
CREATE TABLE `sms_outbox` (
	`id` varchar(64) NOT NULL,
	`kind` varchar(32) NOT NULL,
	`lot_id` varchar(64),
	`to_phone` varchar(20) NOT NULL,
	`body` varchar(1600) NOT NULL,
	`segments` int NOT NULL,
	`priority` varchar(8) NOT NULL,
	`dedup_key` varchar(190) NOT NULL,
	`ref` varchar(100),
	`status` varchar(10) NOT NULL,
	`hold_reason` varchar(100),
	`attempts` int NOT NULL,
	`next_attempt_at` bigint NOT NULL,
	`claimed_by` varchar(64),
	`claim_until` bigint,
	`ambiguous_since` bigint,
	`twilio_sid` varchar(34),
	`twilio_status` varchar(20),
	`error_code` int,
	`last_error` varchar(500),
	`created_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	`accepted_at` bigint,
	CONSTRAINT `sms_outbox_id` PRIMARY KEY(`id`),
	CONSTRAINT `sms_outbox_dedup_uq` UNIQUE(`dedup_key`),
	CONSTRAINT `sms_outbox_sid_uq` UNIQUE(`twilio_sid`)
);
--> statement-breakpoint
CREATE TABLE `sms_templates` (
	`kind` varchar(32) NOT NULL,
	`body` varchar(1600) NOT NULL,
	`updated_at` bigint NOT NULL,
	`updated_by` varchar(64),
	CONSTRAINT `sms_templates_kind` PRIMARY KEY(`kind`)
);
--> statement-breakpoint
CREATE INDEX `sms_outbox_due_idx` ON `sms_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `sms_outbox_created_idx` ON `sms_outbox` (`created_at`);