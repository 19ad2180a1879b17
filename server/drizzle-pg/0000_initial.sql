CREATE TABLE "airspace_zones" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"geometry_json" text NOT NULL,
	"floor_m" double precision,
	"ceiling_m" double precision,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"user_id" text,
	"username" text,
	"role" text,
	"method" text NOT NULL,
	"route" text NOT NULL,
	"target_id" text,
	"status_code" bigint NOT NULL,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "bridge_cursors" (
	"bridge_id" text NOT NULL,
	"epoch" text NOT NULL,
	"last_seq" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridges" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"site_id" text,
	"token_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_seen_at" bigint,
	CONSTRAINT "bridges_name_unique" UNIQUE("name"),
	CONSTRAINT "bridges_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" bigint PRIMARY KEY NOT NULL,
	"holidays_json" text NOT NULL,
	"make_up_workdays_json" text NOT NULL,
	"source" text,
	"loaded_by" text,
	"loaded_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "camera_images" (
	"id" text PRIMARY KEY NOT NULL,
	"vehicle_id" text NOT NULL,
	"compid" bigint NOT NULL,
	"image_index" bigint NOT NULL,
	"captured_at" bigint NOT NULL,
	"ok" boolean NOT NULL,
	"file_url" text NOT NULL,
	"frame_json" text NOT NULL,
	"media_sha256" text,
	"fetch_error" text
);
--> statement-breakpoint
CREATE TABLE "commands" (
	"id" text PRIMARY KEY NOT NULL,
	"vehicle_id" text NOT NULL,
	"user_id" text,
	"command" text NOT NULL,
	"params_json" text,
	"status" text NOT NULL,
	"result_code" text,
	"result_message" text,
	"created_at" bigint NOT NULL,
	"completed_at" bigint,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"code" text,
	"created_at" bigint NOT NULL,
	CONSTRAINT "departments_name_unique" UNIQUE("name"),
	CONSTRAINT "departments_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "dock_events" (
	"id" text PRIMARY KEY NOT NULL,
	"dock_id" text NOT NULL,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"code" text,
	"message" text NOT NULL,
	"data_json" text
);
--> statement-breakpoint
CREATE TABLE "docks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"serial" text NOT NULL,
	"model" text NOT NULL,
	"site_id" text NOT NULL,
	"department_id" text,
	"lat_deg" double precision NOT NULL,
	"lon_deg" double precision NOT NULL,
	"alt_amsl_m" double precision NOT NULL,
	"bridge_id" text,
	"sysid" bigint,
	"compid" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "docks_serial_unique" UNIQUE("serial")
);
--> statement-breakpoint
CREATE TABLE "evidence" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"ticket_id" text NOT NULL,
	"kind" text NOT NULL,
	"file_sha256" text NOT NULL,
	"mime" text NOT NULL,
	"bytes" bigint NOT NULL,
	"at" bigint NOT NULL,
	"uploaded_by" text,
	"meta_json" text,
	"screening" text DEFAULT 'not_screened' NOT NULL,
	"redacted_seq" bigint,
	"prev_hash" text NOT NULL,
	"chain_hash" text NOT NULL,
	CONSTRAINT "evidence_chain_hash_unique" UNIQUE("chain_hash")
);
--> statement-breakpoint
CREATE TABLE "grids" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"department_id" text,
	"polygon_geojson" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"acquired_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media" (
	"sha256" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"mime" text NOT NULL,
	"bytes" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "open311_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	CONSTRAINT "open311_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "patrol_routes" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"route_json" text NOT NULL,
	"department_id" text,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint
);
--> statement-breakpoint
CREATE TABLE "patrol_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"route_id" text NOT NULL,
	"kind" text NOT NULL,
	"rrule" text,
	"dtstart" text,
	"run_at" bigint,
	"tz" text NOT NULL,
	"window_s" bigint NOT NULL,
	"priority" bigint NOT NULL,
	"dock_ids_json" text,
	"department_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"effective_from" bigint NOT NULL,
	"last_due_at" bigint,
	"last_sortie_id" text,
	"last_outcome" text,
	"last_outcome_message" text,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"ip" text,
	CONSTRAINT "sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"department_id" text,
	"lat_deg" double precision NOT NULL,
	"lon_deg" double precision NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "sites_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "sortie_video_segments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sortie_id" text NOT NULL,
	"vehicle_id" text NOT NULL,
	"start_at" bigint NOT NULL,
	"end_at" bigint NOT NULL,
	"file" text NOT NULL,
	"bytes" bigint NOT NULL,
	"mime" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sorties" (
	"id" text PRIMARY KEY NOT NULL,
	"vehicle_id" text NOT NULL,
	"dock_id" text,
	"department_id" text,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"started_at" bigint,
	"ended_at" bigint,
	"distance_m" double precision,
	"duration_s" double precision,
	"max_alt_rel_m" double precision,
	"mission_ran" boolean DEFAULT false NOT NULL,
	"end_reason" text,
	"coverage_share" double precision,
	"coverage_planned_m2" double precision,
	"tlog_sha256" text,
	"route_id" text,
	"schedule_id" text,
	"sortie_class" text,
	"priority" bigint,
	"phase" text,
	"failure_code" text,
	"failure_message" text,
	"failure_params" text,
	"due_at" bigint,
	"window_end_at" bigint,
	"plan_json" text,
	"mission_id" bigint,
	"orchestrator_json" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" text NOT NULL,
	"kind" text NOT NULL,
	"phase" text NOT NULL,
	"level" bigint NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_counters" (
	"day" text PRIMARY KEY NOT NULL,
	"last" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_occurrences" (
	"id" text PRIMARY KEY NOT NULL,
	"ticket_id" text NOT NULL,
	"score" double precision,
	"lat_deg" double precision NOT NULL,
	"lon_deg" double precision NOT NULL,
	"error_m" double precision NOT NULL,
	"captured_at" bigint NOT NULL,
	"vehicle_id" text,
	"sortie_id" text,
	"finding_json" text NOT NULL,
	"distance_m" double precision NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_routes" (
	"id" text PRIMARY KEY NOT NULL,
	"category" text,
	"grid_id" text,
	"department_id" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"version" bigint NOT NULL,
	"actor_id" text,
	"actor_role" text NOT NULL,
	"at" bigint NOT NULL,
	"reason" text,
	"data_json" text
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"version" bigint NOT NULL,
	"source" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"lat_deg" double precision NOT NULL,
	"lon_deg" double precision NOT NULL,
	"error_m" double precision NOT NULL,
	"grid_id" text,
	"department_id" text,
	"score" double precision,
	"urgent" boolean DEFAULT false NOT NULL,
	"occurrence_count" bigint DEFAULT 1 NOT NULL,
	"reopen_count" bigint DEFAULT 0 NOT NULL,
	"last_occurrence_at" bigint NOT NULL,
	"extension" text DEFAULT 'none' NOT NULL,
	"extension_minutes" bigint DEFAULT 0 NOT NULL,
	"dispatched_at" bigint,
	"signed_at" bigint,
	"handled_at" bigint,
	"closed_at" bigint,
	"sign_deadline_at" bigint,
	"handle_deadline_at" bigint,
	"due_at" bigint,
	"next_alert_at" bigint,
	"warned" boolean DEFAULT false NOT NULL,
	"escalation_level" bigint DEFAULT 0 NOT NULL,
	"closed_on_time" boolean,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "tickets_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "track_points" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sortie_id" text NOT NULL,
	"vehicle_id" text NOT NULL,
	"at" bigint NOT NULL,
	"lat_deg" double precision NOT NULL,
	"lon_deg" double precision NOT NULL,
	"alt_amsl_m" double precision,
	"alt_rel_m" double precision,
	"heading_deg" double precision,
	"ground_speed_mps" double precision,
	"battery_pct" double precision
);
--> statement-breakpoint
CREATE TABLE "triage_items" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"category" text NOT NULL,
	"score" double precision,
	"lat_deg" double precision NOT NULL,
	"lon_deg" double precision NOT NULL,
	"error_m" double precision NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"finding_json" text NOT NULL,
	"frame_sha256" text,
	"created_at" bigint NOT NULL,
	"decided_at" bigint,
	"decided_by" text,
	"reason" text,
	"ticket_id" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"department_id" text,
	"password_hash" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "vehicle_cameras" (
	"vehicle_id" text NOT NULL,
	"compid" bigint NOT NULL,
	"streams_json" text NOT NULL,
	"announced_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vehicle_events" (
	"id" text PRIMARY KEY NOT NULL,
	"vehicle_id" text NOT NULL,
	"sortie_id" text,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"message" text NOT NULL,
	"data_json" text
);
--> statement-breakpoint
CREATE TABLE "vehicles" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"serial" text NOT NULL,
	"model" text NOT NULL,
	"camera_json" text,
	"department_id" text,
	"dock_id" text,
	"bridge_id" text,
	"sysid" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "vehicles_serial_unique" UNIQUE("serial")
);
--> statement-breakpoint
CREATE TABLE "verification_flights" (
	"sortie_id" text PRIMARY KEY NOT NULL,
	"ticket_id" text NOT NULL,
	"category" text NOT NULL,
	"lat_deg" double precision NOT NULL,
	"lon_deg" double precision NOT NULL,
	"radius_m" double precision NOT NULL,
	"requested_by" text,
	"created_at" bigint NOT NULL,
	"frames" bigint DEFAULT 0 NOT NULL,
	"hits" bigint DEFAULT 0 NOT NULL,
	"best_score" double precision,
	"nearest_m" double precision,
	"evidence_seq" bigint,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"subscription_id" text NOT NULL,
	"event" text NOT NULL,
	"payload_json" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint,
	"last_status_code" bigint,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"delivered_at" bigint
);
--> statement-breakpoint
CREATE TABLE "webhook_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"events_json" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "airspace_zones" ADD CONSTRAINT "airspace_zones_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridge_cursors" ADD CONSTRAINT "bridge_cursors_bridge_id_bridges_id_fk" FOREIGN KEY ("bridge_id") REFERENCES "public"."bridges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridges" ADD CONSTRAINT "bridges_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_years" ADD CONSTRAINT "calendar_years_loaded_by_users_id_fk" FOREIGN KEY ("loaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "camera_images" ADD CONSTRAINT "camera_images_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dock_events" ADD CONSTRAINT "dock_events_dock_id_docks_id_fk" FOREIGN KEY ("dock_id") REFERENCES "public"."docks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "docks" ADD CONSTRAINT "docks_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "docks" ADD CONSTRAINT "docks_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "docks" ADD CONSTRAINT "docks_bridge_id_bridges_id_fk" FOREIGN KEY ("bridge_id") REFERENCES "public"."bridges"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_file_sha256_media_sha256_fk" FOREIGN KEY ("file_sha256") REFERENCES "public"."media"("sha256") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grids" ADD CONSTRAINT "grids_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_routes" ADD CONSTRAINT "patrol_routes_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_routes" ADD CONSTRAINT "patrol_routes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_schedules" ADD CONSTRAINT "patrol_schedules_route_id_patrol_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."patrol_routes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_schedules" ADD CONSTRAINT "patrol_schedules_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_schedules" ADD CONSTRAINT "patrol_schedules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sortie_video_segments" ADD CONSTRAINT "sortie_video_segments_sortie_id_sorties_id_fk" FOREIGN KEY ("sortie_id") REFERENCES "public"."sorties"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sortie_video_segments" ADD CONSTRAINT "sortie_video_segments_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sorties" ADD CONSTRAINT "sorties_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sorties" ADD CONSTRAINT "sorties_dock_id_docks_id_fk" FOREIGN KEY ("dock_id") REFERENCES "public"."docks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sorties" ADD CONSTRAINT "sorties_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sorties" ADD CONSTRAINT "sorties_tlog_sha256_media_sha256_fk" FOREIGN KEY ("tlog_sha256") REFERENCES "public"."media"("sha256") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sorties" ADD CONSTRAINT "sorties_route_id_patrol_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."patrol_routes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sorties" ADD CONSTRAINT "sorties_schedule_id_patrol_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."patrol_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_alerts" ADD CONSTRAINT "ticket_alerts_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_occurrences" ADD CONSTRAINT "ticket_occurrences_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_routes" ADD CONSTRAINT "ticket_routes_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_routes" ADD CONSTRAINT "ticket_routes_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_transitions" ADD CONSTRAINT "ticket_transitions_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_points" ADD CONSTRAINT "track_points_sortie_id_sorties_id_fk" FOREIGN KEY ("sortie_id") REFERENCES "public"."sorties"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_points" ADD CONSTRAINT "track_points_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_items" ADD CONSTRAINT "triage_items_frame_sha256_media_sha256_fk" FOREIGN KEY ("frame_sha256") REFERENCES "public"."media"("sha256") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_items" ADD CONSTRAINT "triage_items_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_items" ADD CONSTRAINT "triage_items_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicle_cameras" ADD CONSTRAINT "vehicle_cameras_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicle_events" ADD CONSTRAINT "vehicle_events_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicle_events" ADD CONSTRAINT "vehicle_events_sortie_id_sorties_id_fk" FOREIGN KEY ("sortie_id") REFERENCES "public"."sorties"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_dock_id_docks_id_fk" FOREIGN KEY ("dock_id") REFERENCES "public"."docks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_bridge_id_bridges_id_fk" FOREIGN KEY ("bridge_id") REFERENCES "public"."bridges"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_flights" ADD CONSTRAINT "verification_flights_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_webhook_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."webhook_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "bridge_cursors_bridge_epoch_uq" ON "bridge_cursors" USING btree ("bridge_id","epoch");--> statement-breakpoint
CREATE INDEX "camera_images_vehicle_at_idx" ON "camera_images" USING btree ("vehicle_id","captured_at");--> statement-breakpoint
CREATE INDEX "commands_vehicle_idx" ON "commands" USING btree ("vehicle_id","created_at");--> statement-breakpoint
CREATE INDEX "dock_events_dock_at_idx" ON "dock_events" USING btree ("dock_id","at");--> statement-breakpoint
CREATE INDEX "docks_site_idx" ON "docks" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "docks_department_idx" ON "docks" USING btree ("department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "docks_bridge_sysid_compid_uq" ON "docks" USING btree ("bridge_id","sysid","compid");--> statement-breakpoint
CREATE INDEX "evidence_ticket_idx" ON "evidence" USING btree ("ticket_id","seq");--> statement-breakpoint
CREATE INDEX "grids_department_idx" ON "grids" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "patrol_routes_department_idx" ON "patrol_routes" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "patrol_schedules_route_idx" ON "patrol_schedules" USING btree ("route_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sites_department_idx" ON "sites" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "sortie_video_segments_sortie_start_idx" ON "sortie_video_segments" USING btree ("sortie_id","start_at");--> statement-breakpoint
CREATE INDEX "sorties_vehicle_idx" ON "sorties" USING btree ("vehicle_id","started_at");--> statement-breakpoint
CREATE INDEX "sorties_dock_idx" ON "sorties" USING btree ("dock_id","started_at");--> statement-breakpoint
CREATE INDEX "sorties_started_idx" ON "sorties" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "sorties_phase_idx" ON "sorties" USING btree ("phase");--> statement-breakpoint
CREATE INDEX "ticket_alerts_ticket_idx" ON "ticket_alerts" USING btree ("ticket_id","at");--> statement-breakpoint
CREATE INDEX "ticket_occurrences_ticket_idx" ON "ticket_occurrences" USING btree ("ticket_id","captured_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_routes_category_grid_uq" ON "ticket_routes" USING btree ("category","grid_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_transitions_ticket_version_uq" ON "ticket_transitions" USING btree ("ticket_id","version");--> statement-breakpoint
CREATE INDEX "tickets_status_created_idx" ON "tickets" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "tickets_department_status_created_idx" ON "tickets" USING btree ("department_id","status","created_at");--> statement-breakpoint
CREATE INDEX "tickets_category_status_created_idx" ON "tickets" USING btree ("category","status","created_at");--> statement-breakpoint
CREATE INDEX "tickets_department_category_status_created_idx" ON "tickets" USING btree ("department_id","category","status","created_at","id");--> statement-breakpoint
CREATE INDEX "tickets_category_lat_idx" ON "tickets" USING btree ("category","lat_deg");--> statement-breakpoint
CREATE INDEX "tickets_due_idx" ON "tickets" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "tickets_next_alert_idx" ON "tickets" USING btree ("next_alert_at");--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "track_points_sortie_at_idx" ON "track_points" USING btree ("sortie_id","at");--> statement-breakpoint
CREATE INDEX "triage_items_status_created_idx" ON "triage_items" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "users_department_idx" ON "users" USING btree ("department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vehicle_cameras_vehicle_compid_uq" ON "vehicle_cameras" USING btree ("vehicle_id","compid");--> statement-breakpoint
CREATE INDEX "vehicle_events_vehicle_at_idx" ON "vehicle_events" USING btree ("vehicle_id","at");--> statement-breakpoint
CREATE INDEX "vehicles_department_idx" ON "vehicles" USING btree ("department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vehicles_bridge_sysid_uq" ON "vehicles" USING btree ("bridge_id","sysid");--> statement-breakpoint
CREATE INDEX "verification_flights_ticket_idx" ON "verification_flights" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_status_next_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_subscription_idx" ON "webhook_deliveries" USING btree ("subscription_id","created_at");