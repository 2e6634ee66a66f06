-- A version per UTC hour of rollup_cell, raised in the transaction that rewrites any of the hour's buckets. Nodes
-- keep the heatmap's finished hours and days in memory (RollupHeat) and reload one only when its version moves, so
-- a 7- or 30-day heatmap sums a few hundred thousand in-memory counts instead of reading millions of rows.
create sequence rollup_cell_version_seq;
create table rollup_cell_version (
    hour    timestamptz primary key,
    version bigint not null
);
