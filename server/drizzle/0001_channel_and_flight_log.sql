CREATE TABLE `bridge_cursors` (
	`bridge_id` text NOT NULL,
	`epoch` text NOT NULL,
	`last_seq` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`bridge_id`) REFERENCES `bridges`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bridge_cursors_bridge_epoch_uq` ON `bridge_cursors` (`bridge_id`,`epoch`);--> statement-breakpoint
CREATE TABLE `media` (
	`sha256` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`mime` text NOT NULL,
	`bytes` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `sorties` ADD `duration_s` real;--> statement-breakpoint
ALTER TABLE `sorties` ADD `max_alt_rel_m` real;--> statement-breakpoint
ALTER TABLE `sorties` ADD `mission_ran` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sorties` ADD `end_reason` text;--> statement-breakpoint
ALTER TABLE `sorties` ADD `tlog_sha256` text REFERENCES media(sha256);