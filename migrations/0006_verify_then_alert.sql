CREATE TABLE `verification_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`check_code` text NOT NULL,
	`round` integer NOT NULL,
	`asked_at` integer NOT NULL,
	`ack` text,
	`ack_at` integer,
	`verdict` text,
	`verdict_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `verification_requests_incident_contact` ON `verification_requests` (`incident_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `verification_requests_check` ON `verification_requests` (`check_code`);--> statement-breakpoint
ALTER TABLE `contacts` ADD `delivery_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `contacts` ADD `drills_off` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `priority` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `disputed_at` integer;--> statement-breakpoint
ALTER TABLE `incidents` ADD `dismiss_reason` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `duplicate_of_id` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `verify_round` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `verify_next_at` integer;--> statement-breakpoint
ALTER TABLE `incidents` ADD `first_opened_at` integer;--> statement-breakpoint
ALTER TABLE `incidents` ADD `paged_at` integer;--> statement-breakpoint
ALTER TABLE `incidents` ADD `stale_reminded_at` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `shifts` text;--> statement-breakpoint
ALTER TABLE `responses` ADD `arrived_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `on_duty` integer DEFAULT true NOT NULL;