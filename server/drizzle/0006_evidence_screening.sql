ALTER TABLE `evidence` ADD `screening` text DEFAULT 'not_screened' NOT NULL;--> statement-breakpoint
ALTER TABLE `evidence` ADD `redacted_seq` integer;