CREATE TABLE `calendar_years` (
	`year` integer PRIMARY KEY NOT NULL,
	`holidays_json` text NOT NULL,
	`make_up_workdays_json` text NOT NULL,
	`source` text,
	`loaded_by` text,
	`loaded_at` integer NOT NULL,
	FOREIGN KEY (`loaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
