CREATE TABLE `airspace_zones` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`geometry_json` text NOT NULL,
	`floor_m` real,
	`ceiling_m` real,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `patrol_routes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`route_json` text NOT NULL,
	`department_id` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `patrol_routes_department_idx` ON `patrol_routes` (`department_id`);--> statement-breakpoint
CREATE TABLE `patrol_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`route_id` text NOT NULL,
	`kind` text NOT NULL,
	`rrule` text,
	`dtstart` text,
	`run_at` integer,
	`tz` text NOT NULL,
	`window_s` integer NOT NULL,
	`priority` integer NOT NULL,
	`dock_ids_json` text,
	`department_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`effective_from` integer NOT NULL,
	`last_due_at` integer,
	`last_sortie_id` text,
	`last_outcome` text,
	`last_outcome_message` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`route_id`) REFERENCES `patrol_routes`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `patrol_schedules_route_idx` ON `patrol_schedules` (`route_id`);--> statement-breakpoint
ALTER TABLE `sorties` ADD `route_id` text REFERENCES patrol_routes(id);--> statement-breakpoint
ALTER TABLE `sorties` ADD `schedule_id` text REFERENCES patrol_schedules(id);--> statement-breakpoint
ALTER TABLE `sorties` ADD `sortie_class` text;--> statement-breakpoint
ALTER TABLE `sorties` ADD `priority` integer;--> statement-breakpoint
ALTER TABLE `sorties` ADD `phase` text;--> statement-breakpoint
ALTER TABLE `sorties` ADD `failure_code` text;--> statement-breakpoint
ALTER TABLE `sorties` ADD `failure_message` text;--> statement-breakpoint
ALTER TABLE `sorties` ADD `due_at` integer;--> statement-breakpoint
ALTER TABLE `sorties` ADD `window_end_at` integer;--> statement-breakpoint
ALTER TABLE `sorties` ADD `plan_json` text;--> statement-breakpoint
ALTER TABLE `sorties` ADD `mission_id` integer;--> statement-breakpoint
CREATE INDEX `sorties_phase_idx` ON `sorties` (`phase`);