-- The conversation model shared by the text channels (webchat, WhatsApp): threads, messages with
-- delivery status, attachments; and the knowledge base the bot answers from (público → tema → categoria → perguntas).
CREATE TABLE "attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"conversation_id" text NOT NULL,
	"message_id" text,
	"uploaded_by" text NOT NULL,
	"file_name" text NOT NULL,
	"mime_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"storage_path" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"channel" text NOT NULL,
	"citizen_key" text NOT NULL,
	"contact_id" text,
	"display_name" text,
	"state" text DEFAULT 'bot' NOT NULL,
	"group_id" text,
	"interaction_id" text,
	"agent_id" text,
	"last_inbound_at" timestamp (3) with time zone,
	"last_activity_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"warned_at" timestamp (3) with time zone,
	"waiting_since" timestamp (3) with time zone,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"conversation_id" text NOT NULL,
	"interaction_id" text,
	"direction" text NOT NULL,
	"author" text NOT NULL,
	"agent_id" text,
	"kind" text DEFAULT 'text' NOT NULL,
	"text" text,
	"content" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"external_id" text,
	"status" text NOT NULL,
	"error" jsonb,
	"processed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"read_at" timestamp (3) with time zone,
	"failed_at" timestamp (3) with time zone,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "messages_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);
--> statement-breakpoint
CREATE TABLE "kb_audiences" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_categories" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"theme_id" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"category_id" text NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"keywords" text DEFAULT '' NOT NULL,
	"approved" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_themes" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"audience_id" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_categories" ADD CONSTRAINT "kb_categories_theme_id_kb_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."kb_themes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_entries" ADD CONSTRAINT "kb_entries_category_id_kb_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."kb_categories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_themes" ADD CONSTRAINT "kb_themes_audience_id_kb_audiences_id_fk" FOREIGN KEY ("audience_id") REFERENCES "public"."kb_audiences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_message_idx" ON "attachments" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "attachments_conversation_idx" ON "attachments" USING btree ("conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_citizen_idx" ON "conversations" USING btree ("tenant","channel","citizen_key");--> statement-breakpoint
CREATE INDEX "conversations_interaction_idx" ON "conversations" USING btree ("interaction_id") WHERE "conversations"."interaction_id" is not null;--> statement-breakpoint
CREATE INDEX "conversations_state_activity_idx" ON "conversations" USING btree ("state","last_activity_at");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_external_idx" ON "messages" USING btree ("tenant","external_id");--> statement-breakpoint
CREATE INDEX "messages_conversation_idx" ON "messages" USING btree ("conversation_id","seq");--> statement-breakpoint
CREATE INDEX "messages_interaction_idx" ON "messages" USING btree ("interaction_id","seq") WHERE "messages"."interaction_id" is not null;--> statement-breakpoint
CREATE INDEX "messages_unprocessed_idx" ON "messages" USING btree ("created_at") WHERE "messages"."direction" = 'in' and "messages"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "kb_categories_theme_idx" ON "kb_categories" USING btree ("theme_id");--> statement-breakpoint
CREATE INDEX "kb_entries_category_idx" ON "kb_entries" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "kb_themes_audience_idx" ON "kb_themes" USING btree ("audience_id");