-- CSV import runs (admin page and CLI): who loaded which file with which mapping, how far it got, and the rows it
-- refused. A run validates the whole file first (status 'ready'), then loads it in chunks of their own transaction;
-- rows_imported counts what is committed, so a cancelled or failed run says exactly what stayed.
create table csv_import (
    id              bigint generated always as identity primary key,
    created_by      text not null,
    file_name       text not null check (length(file_name) between 1 and 255),
    -- SHA-256 of the file: with no id column, rows are referenced as <preset>:<hash prefix>:<row>, so a re-run of the
    -- same file finds the rows it already loaded.
    file_sha256     text,
    preset          text not null check (preset in ('native', 'nyc311', 'la311')),
    datum           text not null check (datum in ('wgs84', 'gcj02')),
    -- {"<field>": "<column>"}: the mapping validated is the mapping loaded.
    mapping         jsonb not null,
    status          text not null check (status in ('validating', 'ready', 'importing', 'completed', 'cancelled', 'failed')),
    rows_total      bigint not null default 0,
    rows_valid      bigint not null default 0,
    rows_bad        bigint not null default 0,
    rows_imported   bigint not null default 0,
    rows_duplicate  bigint not null default 0,
    -- The first rows refused ([{"row": n, "column": "...", "problem": "...", "reason": "...", "value": "..."}]), capped; rows_bad counts them all.
    errors          jsonb not null default '[]',
    message         text check (length(message) <= 2000),
    started_at      timestamptz not null,
    finished_at     timestamptz
);
create index csv_import_started_idx on csv_import (started_at desc);
