CREATE TABLE `patrol_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`lot_id` text NOT NULL,
	`kind` text NOT NULL,
	`plate` text NOT NULL,
	`at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`code` text,
	`message` text,
	`session_id` text,
	`evidence_key` text,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `patrol_actions_lot_at_idx` ON `patrol_actions` (`lot_id`,`at`);--> statement-breakpoint
CREATE INDEX `patrol_actions_user_idx` ON `patrol_actions` (`user_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `user_lots` (
	`user_id` text NOT NULL,
	`lot_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `lot_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_lots_lot_idx` ON `user_lots` (`lot_id`);