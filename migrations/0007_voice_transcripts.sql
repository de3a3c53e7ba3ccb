CREATE TABLE `waiting_transcripts` (
	`call_sid` text PRIMARY KEY NOT NULL,
	`recording_sid` text,
	`sealed_text` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `waiting_transcripts_received` ON `waiting_transcripts` (`received_at`);