-- Report days whose rate rollups (rollup_rate, rollup_resolved) are out of date. RollupJob marks them in the
-- same transaction that advances its cursor and recomputes them on a slower beat, so the heatmap's cells stay
-- within a second of the incidents while a burst of lifecycle changes costs one recompute per day, and a crash
-- between the two loses nothing.
create table rollup_dirty_day (
    day date primary key
);
