ALTER TABLE "verification_flights" ADD COLUMN "streak" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "verification_flights" ADD COLUMN "longest_streak" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "verification_flights" ADD COLUMN "confirm_frames" bigint DEFAULT 1 NOT NULL;--> statement-breakpoint
UPDATE "verification_flights" SET "longest_streak" = CASE WHEN "hits" > 0 THEN 1 ELSE 0 END;