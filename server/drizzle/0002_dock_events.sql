CREATE TABLE `dock_events` (
	`id` text PRIMARY KEY NOT NULL,
	`dock_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`code` text,
	`message` text NOT NULL,
	`data_json` text,
	FOREIGN KEY (`dock_id`) REFERENCES `docks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dock_events_dock_at_idx` ON `dock_events` (`dock_id`,`at`);