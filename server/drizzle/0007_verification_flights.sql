CREATE TABLE `verification_flights` (
	`sortie_id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`category` text NOT NULL,
	`lat_deg` real NOT NULL,
	`lon_deg` real NOT NULL,
	`radius_m` real NOT NULL,
	`requested_by` text,
	`created_at` integer NOT NULL,
	`frames` integer DEFAULT 0 NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`best_score` real,
	`nearest_m` real,
	`evidence_seq` integer,
	`finished_at` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `verification_flights_ticket_idx` ON `verification_flights` (`ticket_id`);