CREATE TABLE `camera_images` (
	`id` text PRIMARY KEY NOT NULL,
	`vehicle_id` text NOT NULL,
	`compid` integer NOT NULL,
	`image_index` integer NOT NULL,
	`captured_at` integer NOT NULL,
	`ok` integer NOT NULL,
	`file_url` text NOT NULL,
	`frame_json` text NOT NULL,
	`media_sha256` text,
	`fetch_error` text,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `camera_images_vehicle_at_idx` ON `camera_images` (`vehicle_id`,`captured_at`);--> statement-breakpoint
CREATE TABLE `vehicle_cameras` (
	`vehicle_id` text NOT NULL,
	`compid` integer NOT NULL,
	`streams_json` text NOT NULL,
	`announced_at` integer NOT NULL,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vehicle_cameras_vehicle_compid_uq` ON `vehicle_cameras` (`vehicle_id`,`compid`);