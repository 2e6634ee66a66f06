-- Dispatch orders (指令) from the city tier to districts, their targets (指令接收方), the numbered deliveries each
-- district receives, progress reports and an append-only audit.
--
-- Numbers that must become visible in commit order (order numbers per year, delivery numbers per district) come from
-- counter rows updated inside the order's transaction: the row lock is held until commit, so a later transaction
-- takes the next number only after the earlier one is visible. Orders are a few hundred a day, so the lock costs nothing.

create table order_number (
    year        int primary key,
    last_number int not null
);

create table dispatch_order (
    id           bigint generated always as identity primary key,
    number       text not null unique check (length(number) between 1 and 40),
    year         int not null,
    priority     text not null check (priority in ('extra-urgent', 'urgent', 'normal')),
    status       text not null check (status in ('active', 'completed', 'recalled')),
    source_kind  text not null check (source_kind in ('none', 'incident', 'dispute', 'compound', 'alert')),
    source_ref   text check (length(source_ref) <= 100),
    instruction  text not null check (length(instruction) between 1 and 4000),
    issued_by    text not null,
    issued_at    timestamptz not null,
    ack_due_at   timestamptz not null,
    deadline_at  timestamptz not null,
    closed_at    timestamptz,
    check (deadline_at > issued_at)
);
create index dispatch_order_active_idx on dispatch_order (issued_at) where status = 'active';
create index dispatch_order_issued_idx on dispatch_order (issued_at);
-- One open order per alert; incident sources are checked through order_incident under row locks.
create unique index dispatch_order_open_alert_idx on dispatch_order (source_ref) where status = 'active' and source_kind = 'alert';

create table order_target (
    id                  bigint generated always as identity primary key,
    order_id            bigint not null references dispatch_order (id),
    district_adcode     char(6) not null references district (adcode),
    lead_department     text not null references department (code),
    support_departments text[] not null default '{}',
    street_codes        text[] not null default '{}',
    -- sent → delivered (a client confirmed receipt) → acknowledged (签收) → in-progress → completed; or recalled.
    state               text not null check (state in ('sent', 'delivered', 'acknowledged', 'in-progress', 'completed', 'recalled')),
    delivered_at        timestamptz,
    acknowledged_at     timestamptz,
    acknowledged_by     text,
    ack_comment         text check (length(ack_comment) <= 1000),
    completed_at        timestamptz,
    report              text check (length(report) <= 4000),
    escalated_at        timestamptz,
    escalations         int not null default 0,
    updated_at          timestamptz not null,
    unique (order_id, district_adcode)
);
create index order_target_district_idx on order_target (district_adcode, id);
create index order_target_unacknowledged_idx on order_target (order_id) where state in ('sent', 'delivered');

-- The incidents an order is about (its source); completing a target resolves those in the target's district.
create table order_incident (
    order_id    bigint not null references dispatch_order (id),
    incident_id bigint not null references incident (id),
    primary key (order_id, incident_id)
);
create index order_incident_incident_idx on order_incident (incident_id);

create table district_delivery_seq (
    district_adcode char(6) primary key references district (adcode),
    last_seq        bigint not null
);

-- What each district's clients receive, numbered per district in commit order: a client that reconnects asks for
-- everything after the last number it saw.
create table order_delivery (
    district_adcode char(6) not null references district (adcode),
    seq             bigint not null,
    order_id        bigint not null references dispatch_order (id),
    target_id       bigint not null references order_target (id),
    kind            text not null check (kind in ('issued', 'recalled', 'escalated')),
    at              timestamptz not null,
    primary key (district_adcode, seq)
);

create table order_progress (
    id          bigint generated always as identity primary key,
    target_id   bigint not null references order_target (id),
    at          timestamptz not null,
    actor       text not null,
    kind        text not null check (kind in ('progress', 'completed')),
    text        text not null check (length(text) between 1 and 4000),
    -- The form's one-time key: a repeated POST (weak connection, double tap) records the report once.
    request_key uuid unique
);
create index order_progress_target_idx on order_progress (target_id, id);

create table order_audit (
    id        bigint generated always as identity primary key,
    order_id  bigint not null references dispatch_order (id),
    target_id bigint references order_target (id),
    at        timestamptz not null,
    actor     text not null,
    ip        text,
    action    text not null check (action in ('issued', 'delivered', 'acknowledged', 'progress', 'completed', 'recalled', 'escalated')),
    detail    jsonb
);
create index order_audit_order_idx on order_audit (order_id, id);
create trigger order_audit_no_change before update or delete or truncate on order_audit
    for each statement execute function forbid_change();
