CREATE TABLE `patrol_actions` (
	`id` varchar(64) NOT NULL,
	`user_id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`kind` varchar(16) NOT NULL,
	`plate` varchar(16) NOT NULL,
	`at` bigint NOT NULL,
	`received_at` bigint NOT NULL,
	`outcome` varchar(8) NOT NULL,
	`code` varchar(64),
	`message` varchar(500),
	`session_id` varchar(64),
	`evidence_key` varchar(300),
	`details` json NOT NULL,
	CONSTRAINT `patrol_actions_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `user_lots` (
	`user_id` varchar(64) NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`created_at` bigint NOT NULL,
	CONSTRAINT `user_lots_user_id_lot_id_pk` PRIMARY KEY(`user_id`,`lot_id`)
);
--> statement-breakpoint
ALTER TABLE `user_lots` ADD CONSTRAINT `user_lots_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `user_lots` ADD CONSTRAINT `user_lots_lot_id_lots_id_fk` FOREIGN KEY (`lot_id`) REFERENCES `lots`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `patrol_actions_lot_at_idx` ON `patrol_actions` (`lot_id`,`at`);--> statement-breakpoint
CREATE INDEX `patrol_actions_user_idx` ON `patrol_actions` (`user_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `user_lots_lot_idx` ON `user_lots` (`lot_id`);