-- A run being checked or loaded says it is alive at least every few seconds. A run that stopped saying so (its process
-- died mid-run) is marked failed when the history is read, instead of showing "importing" for ever; the rows it
-- committed before that stay and are counted in rows_imported.
alter table csv_import add column heartbeat_at timestamptz;
update csv_import set heartbeat_at = coalesce(finished_at, started_at);
alter table csv_import alter column heartbeat_at set default now();
