CREATE TABLE "business_hours" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'America/Sao_Paulo' NOT NULL,
	"weekly" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"tema" text,
	"categoria" text,
	"level" smallint DEFAULT 1 NOT NULL,
	"sla_seconds" integer DEFAULT 60 NOT NULL,
	"strategy" text DEFAULT 'equal' NOT NULL,
	"overflow_after_seconds" integer,
	"overflow_group_id" text,
	"hours_id" text,
	"wrap_up_seconds" integer DEFAULT 0 NOT NULL,
	"unit_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "groups_level_check" CHECK ("groups"."level" between 1 and 3),
	CONSTRAINT "groups_sla_seconds_check" CHECK ("groups"."sla_seconds" >= 0)
);
--> statement-breakpoint
CREATE TABLE "holidays" (
	"hours_id" text NOT NULL,
	"date" date NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "holidays_hours_id_date_pk" PRIMARY KEY("hours_id","date")
);
--> statement-breakpoint
CREATE TABLE "pause_reasons" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'America/Sao_Paulo' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_skills" (
	"agent_id" text NOT NULL,
	"group_id" text NOT NULL,
	"proficiency" smallint DEFAULT 3 NOT NULL,
	CONSTRAINT "agent_skills_agent_id_group_id_pk" PRIMARY KEY("agent_id","group_id"),
	CONSTRAINT "agent_skills_proficiency_check" CHECK ("agent_skills"."proficiency" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "agent_state_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"agent_id" text NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"unit_id" text,
	"capacity" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"voice_excludes_chat" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"agent_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('agent', 'supervisor', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"name" text,
	"cpf" text,
	"email" text,
	"phone" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interactions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"channel" text NOT NULL,
	"group_id" text NOT NULL,
	"state" text NOT NULL,
	"agent_id" text,
	"priority" smallint DEFAULT 0 NOT NULL,
	"legal_priority" boolean DEFAULT false NOT NULL,
	"contact_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"offered_at" timestamp (3) with time zone,
	"accepted_at" timestamp (3) with time zone,
	"ended_at" timestamp (3) with time zone,
	"wait_seconds" integer,
	"tabulation" jsonb,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"tenant" text DEFAULT 'default' NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"interaction_id" text,
	"agent_id" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_overflow_group_id_groups_id_fk" FOREIGN KEY ("overflow_group_id") REFERENCES "public"."groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_hours_id_business_hours_id_fk" FOREIGN KEY ("hours_id") REFERENCES "public"."business_hours"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holidays" ADD CONSTRAINT "holidays_hours_id_business_hours_id_fk" FOREIGN KEY ("hours_id") REFERENCES "public"."business_hours"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_skills" ADD CONSTRAINT "agent_skills_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_skills" ADD CONSTRAINT "agent_skills_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "business_hours_tenant_idx" ON "business_hours" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "groups_tenant_idx" ON "groups" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "pause_reasons_tenant_idx" ON "pause_reasons" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "units_tenant_idx" ON "units" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "agent_skills_group_idx" ON "agent_skills" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "agent_state_history_agent_at_idx" ON "agent_state_history" USING btree ("agent_id","at");--> statement-breakpoint
CREATE INDEX "agents_tenant_idx" ON "agents" USING btree ("tenant");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_idx" ON "users" USING btree ("username");--> statement-breakpoint
CREATE INDEX "contacts_tenant_cpf_idx" ON "contacts" USING btree ("tenant","cpf");--> statement-breakpoint
CREATE INDEX "contacts_tenant_phone_idx" ON "contacts" USING btree ("tenant","phone");--> statement-breakpoint
CREATE INDEX "interactions_tenant_created_idx" ON "interactions" USING btree ("tenant","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interactions_tenant_state_created_idx" ON "interactions" USING btree ("tenant","state","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interactions_tenant_group_created_idx" ON "interactions" USING btree ("tenant","group_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interactions_agent_idx" ON "interactions" USING btree ("agent_id") WHERE "interactions"."agent_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "routing_events_event_id_idx" ON "routing_events" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "routing_events_tenant_seq_idx" ON "routing_events" USING btree ("tenant","seq");--> statement-breakpoint
CREATE INDEX "routing_events_interaction_idx" ON "routing_events" USING btree ("interaction_id") WHERE "routing_events"."interaction_id" is not null;