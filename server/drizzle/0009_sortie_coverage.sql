ALTER TABLE `sorties` ADD `coverage_share` real;--> statement-breakpoint
ALTER TABLE `sorties` ADD `coverage_planned_m2` real;