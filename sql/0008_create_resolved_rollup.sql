-- Who resolves what where: incidents resolved per report day × district × category × resolving department
-- (the dispute radar's suggested lead: the department that resolved most of a category in a district over the
-- last 90 days). Kept by RollupJob with rollup_rate, recomputed per report day.
create table rollup_resolved (
    report_day      date not null,
    district_adcode char(6) not null,
    service_code    text not null,
    department_code text not null,
    resolved        int not null check (resolved > 0)
);
create index rollup_resolved_day_idx on rollup_resolved (report_day);
create index rollup_resolved_key_idx on rollup_resolved (district_adcode, service_code);
