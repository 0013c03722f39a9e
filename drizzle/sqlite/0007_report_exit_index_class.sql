DROP INDEX `parking_sessions_lot_exit_idx`;--> statement-breakpoint
CREATE INDEX `parking_sessions_lot_exit_idx` ON `parking_sessions` (`lot_id`,`exit_at`,`status`,`entry_at`,`vehicle_class`);