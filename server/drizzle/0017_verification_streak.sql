ALTER TABLE `verification_flights` ADD `streak` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `verification_flights` ADD `longest_streak` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `verification_flights` ADD `confirm_frames` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
UPDATE `verification_flights` SET `longest_streak` = CASE WHEN `hits` > 0 THEN 1 ELSE 0 END;