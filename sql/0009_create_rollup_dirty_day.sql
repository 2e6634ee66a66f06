-- Report days whose rate rollups (rollup_rate, rollup_resolved) are out of date. RollupJob marks them in the
-- same transaction that advances its cursor and recomputes them on a slower beat, so the heatmap's cells stay
-- within a second of the incidents while a burst of lifecycle changes costs one recompute per day. A day is
-- cleared only with the mark the recompute read: a day marked again meanwhile stays dirty. A crash in between
-- loses nothing.
create sequence rollup_dirty_mark;
create table rollup_dirty_day (
    day  date primary key,
    mark bigint not null
);
