-- routing_events is the source of truth for replay and reports: rows are never changed.
-- Retention is done with TRUNCATE or by dropping old partitions, which this does not block.
CREATE FUNCTION "routing_events_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'routing_events is append-only (% rejected)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "routing_events_append_only" BEFORE UPDATE OR DELETE ON "routing_events"
	FOR EACH ROW EXECUTE FUNCTION "routing_events_reject_change"();
