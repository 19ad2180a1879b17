CREATE TABLE `evidence` (
	`seq` integer PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`kind` text NOT NULL,
	`file_sha256` text NOT NULL,
	`mime` text NOT NULL,
	`bytes` integer NOT NULL,
	`at` integer NOT NULL,
	`uploaded_by` text,
	`meta_json` text,
	`prev_hash` text NOT NULL,
	`chain_hash` text NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`file_sha256`) REFERENCES `media`(`sha256`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_chain_hash_unique` ON `evidence` (`chain_hash`);--> statement-breakpoint
CREATE INDEX `evidence_ticket_idx` ON `evidence` (`ticket_id`,`seq`);--> statement-breakpoint
CREATE TABLE `open311_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `open311_keys_key_hash_unique` ON `open311_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `ticket_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` text NOT NULL,
	`kind` text NOT NULL,
	`phase` text NOT NULL,
	`level` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_alerts_ticket_idx` ON `ticket_alerts` (`ticket_id`,`at`);--> statement-breakpoint
CREATE TABLE `ticket_counters` (
	`day` text PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ticket_occurrences` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`score` real,
	`lat_deg` real NOT NULL,
	`lon_deg` real NOT NULL,
	`error_m` real NOT NULL,
	`captured_at` integer NOT NULL,
	`vehicle_id` text,
	`sortie_id` text,
	`finding_json` text NOT NULL,
	`distance_m` real NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_occurrences_ticket_idx` ON `ticket_occurrences` (`ticket_id`,`captured_at`);--> statement-breakpoint
CREATE TABLE `ticket_routes` (
	`id` text PRIMARY KEY NOT NULL,
	`category` text,
	`grid_id` text,
	`department_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`grid_id`) REFERENCES `grids`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_routes_category_grid_uq` ON `ticket_routes` (`category`,`grid_id`);--> statement-breakpoint
CREATE TABLE `ticket_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` text NOT NULL,
	`action` text NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`version` integer NOT NULL,
	`actor_id` text,
	`actor_role` text NOT NULL,
	`at` integer NOT NULL,
	`reason` text,
	`data_json` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_transitions_ticket_version_uq` ON `ticket_transitions` (`ticket_id`,`version`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`category` text NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`lat_deg` real NOT NULL,
	`lon_deg` real NOT NULL,
	`error_m` real NOT NULL,
	`grid_id` text,
	`department_id` text,
	`score` real,
	`urgent` integer DEFAULT false NOT NULL,
	`occurrence_count` integer DEFAULT 1 NOT NULL,
	`reopen_count` integer DEFAULT 0 NOT NULL,
	`last_occurrence_at` integer NOT NULL,
	`extension` text DEFAULT 'none' NOT NULL,
	`extension_minutes` integer DEFAULT 0 NOT NULL,
	`dispatched_at` integer,
	`signed_at` integer,
	`handled_at` integer,
	`closed_at` integer,
	`sign_deadline_at` integer,
	`handle_deadline_at` integer,
	`due_at` integer,
	`next_alert_at` integer,
	`warned` integer DEFAULT false NOT NULL,
	`escalation_level` integer DEFAULT 0 NOT NULL,
	`closed_on_time` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`grid_id`) REFERENCES `grids`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number_unique` ON `tickets` (`number`);--> statement-breakpoint
CREATE INDEX `tickets_status_created_idx` ON `tickets` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_department_status_created_idx` ON `tickets` (`department_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_category_status_created_idx` ON `tickets` (`category`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_category_lat_idx` ON `tickets` (`category`,`lat_deg`);--> statement-breakpoint
CREATE INDEX `tickets_due_idx` ON `tickets` (`due_at`);--> statement-breakpoint
CREATE INDEX `tickets_next_alert_idx` ON `tickets` (`next_alert_at`);--> statement-breakpoint
CREATE INDEX `tickets_created_idx` ON `tickets` (`created_at`);--> statement-breakpoint
CREATE TABLE `triage_items` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`category` text NOT NULL,
	`score` real,
	`lat_deg` real NOT NULL,
	`lon_deg` real NOT NULL,
	`error_m` real NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`finding_json` text NOT NULL,
	`frame_sha256` text,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`reason` text,
	`ticket_id` text,
	FOREIGN KEY (`frame_sha256`) REFERENCES `media`(`sha256`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `triage_items_status_created_idx` ON `triage_items` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`event` text NOT NULL,
	`payload_json` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`subscription_id`) REFERENCES `webhook_subscriptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_status_next_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_subscription_idx` ON `webhook_deliveries` (`subscription_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`events_json` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
