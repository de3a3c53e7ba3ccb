ALTER TABLE `incidents` ADD `location_source` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `location_words` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `merge_suggestion_id` text;--> statement-breakpoint
ALTER TABLE `places` ADD `updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `location_source` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `location_words` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `location_asks` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `details` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `transcript` text;