-- Identity: people (app_user), wall display devices, API clients of the intake APIs, the shared
-- Data Protection key ring, and an append-only audit trail. Secrets are stored only as hashes.

create table app_user (
    id               bigint generated always as identity primary key,
    user_name        text not null check (user_name ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name     text not null check (length(display_name) between 1 and 100),
    password_hash    text,
    -- commander, supervisor, liaison, street, department, admin (wall displays are devices, not users)
    roles            text[] not null default '{}' check (roles <@ array['commander', 'supervisor', 'liaison', 'street', 'department', 'admin']),
    district_adcode  char(6) references district (adcode),
    street_code      char(9) references street_unit (code),
    department_code  text references department (code),
    disabled         boolean not null default false,
    failed_logins    int not null default 0,
    locked_until     timestamptz,
    -- Changes whenever roles, scope, password or status change: signed-in sessions are re-checked against it.
    security_stamp   uuid not null default gen_random_uuid(),
    external_subject text unique,
    created_at       timestamptz not null default now(),
    last_login_at    timestamptz,
    check ('liaison' <> all (roles) or district_adcode is not null),
    check ('street' <> all (roles) or street_code is not null),
    check ('department' <> all (roles) or department_code is not null)
);
create unique index app_user_name_idx on app_user (user_name);

create table wall_device (
    id           bigint generated always as identity primary key,
    name         text not null check (length(name) between 1 and 100),
    token_hash   bytea not null unique,
    created_by   bigint references app_user (id),
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz,
    last_seen_at timestamptz
);

create table api_client (
    id                    bigint generated always as identity primary key,
    name                  text not null unique check (length(name) between 1 and 100),
    key_prefix            text not null,
    key_hash              bytea not null unique,
    department_code       text references department (code),
    rate_limit_per_minute int not null check (rate_limit_per_minute between 1 and 100000),
    created_by            bigint references app_user (id),
    created_at            timestamptz not null default now(),
    revoked_at            timestamptz,
    last_used_at          timestamptz
);

-- ASP.NET Core Data Protection key ring, shared by every app node (IXmlRepository).
create table data_protection_key (
    id            bigint generated always as identity primary key,
    friendly_name text not null unique,
    xml           text not null,
    created_at    timestamptz not null default now()
);

create table audit_event (
    id      bigint generated always as identity primary key,
    at      timestamptz not null default now(),
    actor   text not null,
    action  text not null,
    subject text,
    detail  jsonb,
    ip      text
);
create index audit_event_at_idx on audit_event (at desc);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only';
end;
$$;
create trigger audit_event_no_change before update or delete or truncate on audit_event
    for each statement execute function audit_event_append_only();
