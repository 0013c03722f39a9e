CREATE TABLE `report_deltas` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`lot_id` varchar(64) NOT NULL,
	`kind` varchar(8) NOT NULL,
	`at` bigint NOT NULL,
	`vehicle_class` varchar(24),
	`method` varchar(8),
	`n` int NOT NULL,
	`amount` bigint NOT NULL,
	CONSTRAINT `report_deltas_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `report_hours` (
	`lot_id` varchar(64) NOT NULL,
	`hour` int NOT NULL,
	`entries` int NOT NULL,
	`exits` int NOT NULL,
	`leaves` int NOT NULL,
	CONSTRAINT `report_hours_lot_id_hour_pk` PRIMARY KEY(`lot_id`,`hour`)
);
--> statement-breakpoint
CREATE TABLE `report_revenue_days` (
	`lot_id` varchar(64) NOT NULL,
	`day` int NOT NULL,
	`vehicle_class` varchar(24) NOT NULL,
	`method` varchar(8) NOT NULL,
	`paise` bigint NOT NULL,
	`payments` int NOT NULL,
	CONSTRAINT `report_revenue_days_lot_id_day_vehicle_class_method_pk` PRIMARY KEY(`lot_id`,`day`,`vehicle_class`,`method`)
);
--> statement-breakpoint
CREATE TABLE `report_rollup_lots` (
	`lot_id` varchar(64) NOT NULL,
	`time_zone` varchar(64) NOT NULL,
	`version` varchar(64) NOT NULL,
	`built_at` bigint NOT NULL,
	CONSTRAINT `report_rollup_lots_lot_id` PRIMARY KEY(`lot_id`)
);
--> statement-breakpoint
CREATE TABLE `report_stay_days` (
	`lot_id` varchar(64) NOT NULL,
	`day` int NOT NULL,
	`vehicle_class` varchar(24) NOT NULL,
	`bucket` int NOT NULL,
	`stays` int NOT NULL,
	`total_ms` bigint NOT NULL,
	CONSTRAINT `report_stay_days_lot_id_day_vehicle_class_bucket_pk` PRIMARY KEY(`lot_id`,`day`,`vehicle_class`,`bucket`)
);
--> statement-breakpoint
CREATE INDEX `report_deltas_lot_idx` ON `report_deltas` (`lot_id`,`kind`,`at`);