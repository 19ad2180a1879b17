CREATE TABLE `sortie_video_segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sortie_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`file` text NOT NULL,
	`bytes` integer NOT NULL,
	`mime` text NOT NULL,
	FOREIGN KEY (`sortie_id`) REFERENCES `sorties`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sortie_video_segments_sortie_start_idx` ON `sortie_video_segments` (`sortie_id`,`start_at`);