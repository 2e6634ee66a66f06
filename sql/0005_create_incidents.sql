-- Incidents (诉求), their assignments to departments (派单) and an append-only timeline.
--
-- Storage choice: one table with a BRIN index on reported_at, not monthly partitions. Incidents arrive in
-- time order, so BRIN stays tiny (a few pages for 25 M rows a year) and prunes time ranges well; live screens
-- read the partial index of unfinished incidents and, for history, rollup tables, never a scan of raw rows.
-- Partitions would force reported_at into every key and foreign key (assignments, timeline, orders) for a
-- benefit we only need at retention time; a later migration can partition by year if archiving demands it.

create table incident (
    id              bigint generated always as identity primary key,
    source          text not null check (source in ('hotline', 'app', 'inspector', 'sensor', 'open311', 'import', 'simulator')),
    source_ref      text check (length(source_ref) <= 100),
    service_code    text not null references category (service_code),
    description     text not null check (length(description) between 1 and 4000),
    address         text check (length(address) <= 500),
    lon             double precision not null,
    lat             double precision not null,
    district_adcode char(6) not null references district (adcode),
    street_code     char(9) not null references street_unit (code),
    -- 'supplied': the source named the street unit; 'nearest': derived from the point (street rankings use only 'supplied').
    street_source   text not null check (street_source in ('supplied', 'nearest')),
    -- open: nobody owns it; assigned: offered to a lead department; accepted: owned; resolved: owner says done; closed: return visit done.
    status          text not null check (status in ('open', 'assigned', 'accepted', 'resolved', 'closed')),
    sla_tier        text not null check (sla_tier in ('2h', '24h', '7d', '15d')),
    bounces         int not null default 0,
    reported_at     timestamptz not null,
    updated_at      timestamptz not null,
    due_at          timestamptz not null,
    responded_at    timestamptz,
    resolved_at     timestamptz,
    closed_at       timestamptz,
    solved          boolean,
    satisfaction    text check (satisfaction in ('satisfied', 'basically-satisfied', 'unsatisfied')),
    -- Personal data: never returned unmasked by the stores.
    caller_name     text check (length(caller_name) <= 100),
    caller_phone    text check (length(caller_phone) <= 40),
    unique (source, source_ref)
);
create index incident_reported_brin on incident using brin (reported_at);
create index incident_unfinished_idx on incident (district_adcode, service_code, due_at) where status in ('open', 'assigned', 'accepted');

create table assignment (
    id              bigint generated always as identity primary key,
    incident_id     bigint not null references incident (id),
    department_code text not null references department (code),
    role            text not null check (role in ('lead', 'support')),
    -- pending → accepted → resolved; pending/accepted → returned (a bounce); withdrawn when reassigned elsewhere.
    status          text not null check (status in ('pending', 'accepted', 'returned', 'resolved', 'withdrawn')),
    assigned_at     timestamptz not null,
    assigned_by     text not null,
    accepted_at     timestamptz,
    returned_at     timestamptz,
    return_reason   text check (length(return_reason) <= 1000),
    resolved_at     timestamptz,
    resolution_note text check (length(resolution_note) <= 2000),
    check (status <> 'returned' or (returned_at is not null and return_reason is not null))
);
create index assignment_incident_idx on assignment (incident_id);
create index assignment_department_active_idx on assignment (department_code, assigned_at) where status in ('pending', 'accepted');
-- One live lead at a time: a new lead needs the previous one returned, resolved or withdrawn.
create unique index assignment_one_live_lead_idx on assignment (incident_id) where role = 'lead' and status in ('pending', 'accepted');

create table incident_timeline (
    id              bigint generated always as identity primary key,
    incident_id     bigint not null references incident (id),
    at              timestamptz not null,
    actor           text not null,
    action          text not null check (action in ('reported', 'assigned', 'accepted', 'returned', 'resolved', 'closed', 'withdrawn')),
    department_code text references department (code),
    detail          jsonb
);
create index incident_timeline_incident_idx on incident_timeline (incident_id, id);

create function forbid_change() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name;
end;
$$;
create trigger incident_timeline_no_change before update or delete or truncate on incident_timeline
    for each statement execute function forbid_change();
