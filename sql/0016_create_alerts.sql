-- Risk alerts (预警) raised by the alert engine on the leader node, and their append-only history.
--
-- Derived indicators (hotline surge, overdue ratio, disputes without owner, unacknowledged orders) are stored in
-- `reading` like fed ones, under a system feed of their own: one table gives every indicator the same latest-value
-- probe, the same history chart and the same engine path, and the readings API already refuses derived indicators, so
-- only the engine writes them. The system feeds' key hashes are digests of random values: no key can act as them.

insert into api_client (name, key_prefix, key_hash, department_code, rate_limit_per_minute)
values ('system:risk-engine', 'system', sha256(convert_to(gen_random_uuid()::text, 'UTF8')), null, 1),
       ('system:simulator',   'system', sha256(convert_to(gen_random_uuid()::text, 'UTF8')), null, 1)
on conflict (name) do nothing;

create table alert (
    id               bigint generated always as identity primary key,
    indicator_code   text not null references indicator (code),
    -- Null for a city-wide indicator.
    district_adcode  char(6) references district (adcode),
    level            text not null check (level in ('blue', 'yellow', 'orange', 'red')),
    peak_level       text not null check (peak_level in ('blue', 'yellow', 'orange', 'red')),
    -- The reading behind the last level change.
    value            double precision not null,
    raised_at        timestamptz not null,
    level_changed_at timestamptz not null,
    cleared_at       timestamptz,
    acknowledged_by  text,
    acknowledged_at  timestamptz,
    ack_comment      text check (length(ack_comment) <= 1000)
);
-- One open alert per series (a city-wide series has a null district, hence the coalesce).
create unique index alert_open_series_idx on alert (indicator_code, coalesce(district_adcode, '')) where cleared_at is null;
create index alert_raised_idx on alert (raised_at);

create table alert_event (
    id         bigint generated always as identity primary key,
    alert_id   bigint not null references alert (id),
    kind       text not null check (kind in ('raised', 'escalated', 'de-escalated', 'cleared', 'acknowledged')),
    from_level text not null check (from_level in ('none', 'blue', 'yellow', 'orange', 'red')),
    to_level   text not null check (to_level in ('none', 'blue', 'yellow', 'orange', 'red')),
    value      double precision,
    at         timestamptz not null,
    actor      text not null,
    comment    text check (length(comment) <= 1000)
);
create index alert_event_alert_idx on alert_event (alert_id, id);
create index alert_event_at_idx on alert_event (at);
create trigger alert_event_no_change before update or delete or truncate on alert_event
    for each statement execute function forbid_change();
