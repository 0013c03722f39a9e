CREATE TABLE `report_deltas` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lot_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`vehicle_class` text,
	`method` text,
	`n` integer NOT NULL,
	`amount` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_deltas_lot_idx` ON `report_deltas` (`lot_id`,`kind`,`at`);--> statement-breakpoint
CREATE TABLE `report_hours` (
	`lot_id` text NOT NULL,
	`hour` integer NOT NULL,
	`entries` integer NOT NULL,
	`exits` integer NOT NULL,
	`leaves` integer NOT NULL,
	PRIMARY KEY(`lot_id`, `hour`)
);
--> statement-breakpoint
CREATE TABLE `report_revenue_days` (
	`lot_id` text NOT NULL,
	`day` integer NOT NULL,
	`vehicle_class` text NOT NULL,
	`method` text NOT NULL,
	`paise` integer NOT NULL,
	`payments` integer NOT NULL,
	PRIMARY KEY(`lot_id`, `day`, `vehicle_class`, `method`)
);
--> statement-breakpoint
CREATE TABLE `report_rollup_lots` (
	`lot_id` text PRIMARY KEY NOT NULL,
	`time_zone` text NOT NULL,
	`version` text NOT NULL,
	`built_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_stay_days` (
	`lot_id` text NOT NULL,
	`day` integer NOT NULL,
	`vehicle_class` text NOT NULL,
	`bucket` integer NOT NULL,
	`stays` integer NOT NULL,
	`total_ms` integer NOT NULL,
	PRIMARY KEY(`lot_id`, `day`, `vehicle_class`, `bucket`)
);
