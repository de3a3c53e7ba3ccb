ALTER TABLE `inbound_messages` ADD `provider_deleted_at` integer;--> statement-breakpoint
ALTER TABLE `outgoing_messages` ADD `provider_deleted_at` integer;