DROP INDEX `payments_lot_at_idx` ON `payments`;--> statement-breakpoint
CREATE INDEX `anomalies_lot_detected_idx` ON `anomalies` (`lot_id`,`detected_at`,`kind`,`status`);--> statement-breakpoint
CREATE INDEX `parking_sessions_lot_exit_idx` ON `parking_sessions` (`lot_id`,`exit_at`,`status`,`entry_at`);--> statement-breakpoint
CREATE INDEX `payments_lot_at_idx` ON `payments` (`lot_id`,`at`,`method`,`amount_paise`,`session_id`);