ALTER TABLE `commands` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Commands stored before this migration keep their order: rowid grew with every insert.
UPDATE `commands` SET `seq` = `rowid`;
