-- The event bus: every write transaction that changes what screens show appends a row here (kind + ids,
-- never the data). Nodes read it with a cursor over (tx, id) bounded by the oldest transaction still in
-- flight, so an event whose transaction commits late is never skipped. LISTEN/NOTIFY only wakes readers.
create table bus_event (
    id   bigint generated always as identity,
    tx   xid8 not null default pg_current_xact_id(),
    at   timestamptz not null default now(),
    kind text not null check (length(kind) between 1 and 100),
    ids  bigint[] not null,
    primary key (tx, id)
);
create index bus_event_at_idx on bus_event using brin (at);
