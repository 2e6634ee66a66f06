-- Rollups: what live screens read instead of raw incidents. The leader's RollupJob keeps them from the event
-- stream (never inside an ingest transaction): each batch of events marks the buckets and days it touches as
-- dirty, and those are recomputed from the incidents in full. Recomputing is idempotent, so an event read twice
-- (a leader change, a crash before the cursor was saved) does no harm, and nothing depends on exactly-once.

-- Incidents reported per 10-minute bucket × 500 m grid cell × category (heatmap, hourly trend, top categories).
-- Cells are RollupGrid's: floor(lon·kx), floor(lat·ky) with kx, ky giving 500 m at the city's latitude.
create table rollup_cell (
    bucket          timestamptz not null,
    district_adcode char(6) not null,
    cell_x          int not null,
    cell_y          int not null,
    service_code    text not null,
    reported        int not null check (reported > 0),
    primary key (bucket, district_adcode, cell_x, cell_y, service_code)
);

-- The three rates' numerators and denominators (ThreeRateFormulas) per report day × close day × street unit ×
-- lead department, days in the city's zone. A period's response figures sum the rows whose report_day lies in
-- it; its resolution and satisfaction figures sum the rows whose close_day does.
create table rollup_rate (
    report_day        date not null,
    close_day         date,
    district_adcode   char(6) not null,
    street_code       char(9) not null,
    street_supplied   boolean not null,
    -- The last lead assignment's department; null only for an incident never assigned.
    department_code   text,
    response_due      int not null,
    responded_on_time int not null,
    solved_answered   int not null,
    solved            int not null,
    rated             int not null,
    satisfied         int not null
);
create index rollup_rate_report_day_idx on rollup_rate (report_day);
create index rollup_rate_close_day_idx on rollup_rate (close_day) where close_day is not null;

-- Where the rollups stand in the event stream, and the grid they were built with (a new grid rebuilds them).
create table rollup_state (
    name        text primary key,
    grid        text not null,
    cursor_tx   xid8 not null,
    cursor_id   bigint not null,
    -- Time of the newest event counted (bus_event.at), and of the last recompute.
    event_at    timestamptz,
    updated_at  timestamptz not null
);
