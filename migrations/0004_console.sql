CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`content_type` text,
	`size` integer,
	`sealed` blob,
	`gps_lat` real,
	`gps_lng` real,
	`fetched_at` integer NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_report_position` ON `media` (`report_id`,`position`);--> statement-breakpoint
CREATE TABLE `password_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `release_approvals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` text NOT NULL,
	`user_id` text,
	`contact_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `release_approvals_incident_user` ON `release_approvals` (`incident_id`,`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `release_approvals_incident_contact` ON `release_approvals` (`incident_id`,`contact_id`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_used_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_enc` text;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_mask` text;--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `inbound_received` ON `inbound_messages` (`received_at`);--> statement-breakpoint
CREATE INDEX `inbound_contact` ON `inbound_messages` (`contact_id`);--> statement-breakpoint
CREATE INDEX `outgoing_updated` ON `outgoing_messages` (`updated_at`);