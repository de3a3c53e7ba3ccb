CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_user_id` text,
	`action` text NOT NULL,
	`target` text,
	`detail` text
);
--> statement-breakpoint
CREATE TABLE `committees` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`area` text NOT NULL,
	`invite_code` text NOT NULL,
	`auto_approve` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `committees_invite_code_unique` ON `committees` (`invite_code`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`phone_hash` text NOT NULL,
	`phone_enc` text,
	`phone_mask` text,
	`locale` text,
	`locale_explicit` integer DEFAULT false NOT NULL,
	`stopped_at` integer,
	`unreachable_at` integer,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_phone_hash_unique` ON `contacts` (`phone_hash`);--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`sid` text PRIMARY KEY NOT NULL,
	`contact_id` text,
	`kind` text NOT NULL,
	`reply` text,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` text NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`actor_user_id` text,
	`detail` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_events_incident` ON `incident_events` (`incident_id`,`at`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`kind` text DEFAULT 'other' NOT NULL,
	`lat` real,
	`lng` real,
	`label` text,
	`precision` text,
	`zip` text,
	`flood` integer DEFAULT false NOT NULL,
	`drill` integer DEFAULT false NOT NULL,
	`after_dismissed_id` text,
	`merged_into_id` text,
	`first_reported_at` integer NOT NULL,
	`last_reported_at` integer NOT NULL,
	`confirmed_at` integer,
	`closed_at` integer,
	`alert_planned_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_code_unique` ON `incidents` (`code`);--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`,`last_reported_at`);--> statement-breakpoint
CREATE TABLE `login_failures` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`last_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`committee_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`role` text DEFAULT 'responder' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`zip` text,
	`lat` real,
	`lng` real,
	`note` text,
	`on_duty` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`committee_id`) REFERENCES `committees`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_committee_contact` ON `members` (`committee_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `members_contact` ON `members` (`contact_id`);--> statement-breakpoint
CREATE TABLE `outbox_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`sid` text NOT NULL,
	`to_hash` text NOT NULL,
	`to_mask` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_messages_sid_unique` ON `outbox_messages` (`sid`);--> statement-breakpoint
CREATE TABLE `outgoing_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`dedupe_key` text NOT NULL,
	`incident_id` text,
	`contact_id` text NOT NULL,
	`kind` text NOT NULL,
	`locale` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`provider_sid` text,
	`error_code` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`distance_meters` real,
	`not_after` integer,
	`sending_at` integer,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outgoing_messages_dedupe_key_unique` ON `outgoing_messages` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outgoing_status` ON `outgoing_messages` (`status`);--> statement-breakpoint
CREATE INDEX `outgoing_incident` ON `outgoing_messages` (`incident_id`,`kind`);--> statement-breakpoint
CREATE INDEX `outgoing_contact` ON `outgoing_messages` (`contact_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `outgoing_provider_sid` ON `outgoing_messages` (`provider_sid`);--> statement-breakpoint
CREATE TABLE `places` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`kind` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text,
	`contact_id` text,
	`channel` text NOT NULL,
	`text` text NOT NULL,
	`language` text,
	`kind` text DEFAULT 'other' NOT NULL,
	`lat` real,
	`lng` real,
	`label` text,
	`precision` text,
	`zip` text,
	`location_text` text,
	`status` text DEFAULT 'received' NOT NULL,
	`awaiting_location_until` integer,
	`asked_location` integer DEFAULT false NOT NULL,
	`media` text DEFAULT '[]' NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reports_incident` ON `reports` (`incident_id`);--> statement-breakpoint
CREATE INDEX `reports_contact` ON `reports` (`contact_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `reports_status` ON `reports` (`status`);--> statement-breakpoint
CREATE TABLE `responses` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`answer` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `responses_incident_contact` ON `responses` (`incident_id`,`contact_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `system_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	`disabled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);