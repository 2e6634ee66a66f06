-- Why a failed run failed, as a code and the values its text names (a row number, a column), so the import page says it
-- in the reader's language; message keeps the English text for logs and the CLI. Older runs have no code: the page
-- shows their message.
alter table csv_import
    add column failure text check (failure ~ '^[a-z][a-z-]*$'),
    add column failure_args text[];
update csv_import set failure = 'interrupted' where status = 'failed' and message like 'Interrupted:%';
