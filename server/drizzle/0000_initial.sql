CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`user_id` text,
	`username` text,
	`role` text,
	`method` text NOT NULL,
	`route` text NOT NULL,
	`target_id` text,
	`status_code` integer NOT NULL,
	`ip` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `bridges` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`site_id` text,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bridges_name_unique` ON `bridges` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `bridges_token_hash_unique` ON `bridges` (`token_hash`);--> statement-breakpoint
CREATE TABLE `commands` (
	`id` text PRIMARY KEY NOT NULL,
	`vehicle_id` text NOT NULL,
	`user_id` text,
	`command` text NOT NULL,
	`params_json` text,
	`status` text NOT NULL,
	`result_code` text,
	`result_message` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `commands_vehicle_idx` ON `commands` (`vehicle_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `departments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`code` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `departments_name_unique` ON `departments` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `departments_code_unique` ON `departments` (`code`);--> statement-breakpoint
CREATE TABLE `docks` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`serial` text NOT NULL,
	`model` text NOT NULL,
	`site_id` text NOT NULL,
	`department_id` text,
	`lat_deg` real NOT NULL,
	`lon_deg` real NOT NULL,
	`alt_amsl_m` real NOT NULL,
	`bridge_id` text,
	`sysid` integer,
	`compid` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`bridge_id`) REFERENCES `bridges`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `docks_serial_unique` ON `docks` (`serial`);--> statement-breakpoint
CREATE INDEX `docks_site_idx` ON `docks` (`site_id`);--> statement-breakpoint
CREATE INDEX `docks_department_idx` ON `docks` (`department_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `docks_bridge_sysid_compid_uq` ON `docks` (`bridge_id`,`sysid`,`compid`);--> statement-breakpoint
CREATE TABLE `grids` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`department_id` text,
	`polygon_geojson` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `grids_department_idx` ON `grids` (`department_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ip` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_unique` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`department_id` text,
	`lat_deg` real NOT NULL,
	`lon_deg` real NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_name_unique` ON `sites` (`name`);--> statement-breakpoint
CREATE INDEX `sites_department_idx` ON `sites` (`department_id`);--> statement-breakpoint
CREATE TABLE `sorties` (
	`id` text PRIMARY KEY NOT NULL,
	`vehicle_id` text NOT NULL,
	`dock_id` text,
	`department_id` text,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`distance_m` real,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`dock_id`) REFERENCES `docks`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `sorties_vehicle_idx` ON `sorties` (`vehicle_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sorties_dock_idx` ON `sorties` (`dock_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sorties_started_idx` ON `sorties` (`started_at`);--> statement-breakpoint
CREATE TABLE `track_points` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sortie_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`at` integer NOT NULL,
	`lat_deg` real NOT NULL,
	`lon_deg` real NOT NULL,
	`alt_amsl_m` real,
	`alt_rel_m` real,
	`heading_deg` real,
	`ground_speed_mps` real,
	`battery_pct` real,
	FOREIGN KEY (`sortie_id`) REFERENCES `sorties`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `track_points_sortie_at_idx` ON `track_points` (`sortie_id`,`at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`department_id` text,
	`password_hash` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `users_department_idx` ON `users` (`department_id`);--> statement-breakpoint
CREATE TABLE `vehicle_events` (
	`id` text PRIMARY KEY NOT NULL,
	`vehicle_id` text NOT NULL,
	`sortie_id` text,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`severity` text NOT NULL,
	`message` text NOT NULL,
	`data_json` text,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sortie_id`) REFERENCES `sorties`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `vehicle_events_vehicle_at_idx` ON `vehicle_events` (`vehicle_id`,`at`);--> statement-breakpoint
CREATE TABLE `vehicles` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`serial` text NOT NULL,
	`model` text NOT NULL,
	`camera_json` text,
	`department_id` text,
	`dock_id` text,
	`bridge_id` text,
	`sysid` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`dock_id`) REFERENCES `docks`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`bridge_id`) REFERENCES `bridges`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vehicles_serial_unique` ON `vehicles` (`serial`);--> statement-breakpoint
CREATE INDEX `vehicles_department_idx` ON `vehicles` (`department_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `vehicles_bridge_sysid_uq` ON `vehicles` (`bridge_id`,`sysid`);