using System.Text.Json;
using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Incidents;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Intake;

/// <summary>SQL behind the CSV import: the runs in <c>csv_import</c>, and which source references are already loaded.</summary>
public sealed class CsvImportStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, created_by, file_name, preset, datum, status, rows_total, rows_valid, rows_bad, rows_imported, rows_duplicate,
        started_at, finished_at, message, errors::text as errors, failure, to_json(failure_args)::text as failure_args
        """;

    public async Task<long> CreateAsync(string createdBy, string fileName, string preset, CsvMapping mapping, DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            insert into csv_import (created_by, file_name, preset, datum, mapping, status, started_at)
            values (@createdBy, @fileName, @preset, @datum, @mapping::jsonb, 'validating', @at)
            returning id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(sql, new
        {
            createdBy, fileName, preset, datum = IncidentCodes.Code(mapping.Datum), mapping = MappingJson(mapping), at,
        }, cancellationToken: ct));
    }

    /// <summary>The validation pass's result: 'ready' with its counts and first errors, or 'failed' and why.</summary>
    public async Task ValidatedAsync(long id, string? sha256, long total, long valid, long bad, IReadOnlyList<CsvRowError> errors, CsvImportException? failure,
        DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            update csv_import set file_sha256 = @sha256, rows_total = @total, rows_valid = @valid, rows_bad = @bad, errors = @errors::jsonb,
                                  status = case when @failure::text is null then 'ready' else 'failed' end,
                                  message = @message, failure = @failure, failure_args = @args,
                                  finished_at = case when @failure::text is null then null else @at end
            where id = @id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            id, sha256, total, valid, bad, errors = ErrorsJson(errors), message = Clip(failure?.Message), failure = Code(failure), args = Args(failure), at,
        }, cancellationToken: ct));
    }

    /// <summary>A run silent this long (no heartbeat from its check or load) belongs to a process that died.</summary>
    public static readonly TimeSpan Silence = TimeSpan.FromMinutes(2);

    /// <summary>Says a run being checked is alive (the load's progress says so per chunk).</summary>
    public async Task HeartbeatAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("update csv_import set heartbeat_at = now() where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Marks failed the runs still checking or loading whose process stopped beating (database time, so every node agrees); done where the history is read.</summary>
    private static Task MarkInterruptedAsync(NpgsqlConnection conn, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            update csv_import set status = 'failed', finished_at = heartbeat_at,
                   message = 'Interrupted: the server stopped during this run. Rows committed before that stay (rows imported); run the file again to load the rest.',
                   failure = 'interrupted', failure_args = null
            where status in ('validating', 'importing') and heartbeat_at < now() - @silence
            """, new { silence = Silence }, cancellationToken: ct));

    /// <summary>Moves a 'ready' run to 'importing'; false if it is not ready (already started, finished or failed).</summary>
    public async Task<bool> StartAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "update csv_import set status = 'importing', heartbeat_at = now() where id = @id and status = 'ready'", new { id }, cancellationToken: ct)) == 1;
    }

    /// <summary>What is committed so far (after each chunk), so the history is right even if the process dies.</summary>
    public async Task ProgressAsync(long id, long imported, long duplicate, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "update csv_import set rows_imported = @imported, rows_duplicate = @duplicate, heartbeat_at = now() where id = @id",
            new { id, imported, duplicate }, cancellationToken: ct));
    }

    /// <param name="message">How the run ended, in English.</param>
    /// <param name="failure">Why it failed (a failed run), stored as a code and its arguments for a page in another language.</param>
    public async Task FinishAsync(long id, CsvImportStatus status, long imported, long duplicate, string? message, CsvImportException? failure,
        DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            update csv_import set status = @status, rows_imported = @imported, rows_duplicate = @duplicate, message = @message,
                                  failure = @failure, failure_args = @args, finished_at = @at
            where id = @id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            id, status = IncidentCodes.Code(status), imported, duplicate, message = Clip(message), failure = Code(failure), args = Args(failure), at,
        }, cancellationToken: ct));
    }

    private static string? Code(CsvImportException? failure) => failure is null ? null : IncidentCodes.Code(failure.Failure);

    private static string[]? Args(CsvImportException? failure) => failure?.Args.Select(a => Clip(a)!).ToArray();

    public async Task<CsvImport?> GetAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"select {Columns} from csv_import where id = @id", new { id }, cancellationToken: ct));
        return row?.ToImport();
    }

    /// <summary>The mapping, file hash and preset a run was validated with.</summary>
    public async Task<(string Preset, CsvMapping Mapping, string? Sha256)?> DefinitionAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(string Preset, string Datum, string Mapping, string? Sha256)?>(new CommandDefinition(
            "select preset, datum, mapping::text, file_sha256 from csv_import where id = @id", new { id }, cancellationToken: ct));
        if (row is not { } r) return null;
        var columns = JsonSerializer.Deserialize<Dictionary<string, string>>(r.Mapping)!
            .ToDictionary(e => Enum.Parse<CsvField>(e.Key), e => e.Value);
        return (r.Preset, new CsvMapping(columns, IncidentCodes.Parse<Datum>(r.Datum)), r.Sha256);
    }

    /// <summary>The newest runs first (the history on the import page).</summary>
    public async Task<IReadOnlyList<CsvImport>> ListAsync(int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await MarkInterruptedAsync(conn, ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(
            $"select {Columns} from csv_import order by started_at desc, id desc limit @limit", new { limit }, cancellationToken: ct));
        return rows.Select(r => r.ToImport()).ToList();
    }

    /// <summary>Which of <paramref name="refs"/> already are imported incidents (read by the unique (source, source_ref) index).</summary>
    public static async Task<HashSet<string>> ExistingRefsAsync(NpgsqlConnection conn, string[] refs, CancellationToken ct)
    {
        const string sql = "select source_ref from incident where source = 'import' and source_ref = any(@refs)";
        return (await conn.QueryAsync<string>(new CommandDefinition(sql, new { refs }, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
    }

    private static string MappingJson(CsvMapping mapping) =>
        JsonSerializer.Serialize(mapping.Columns.ToDictionary(e => e.Key.ToString(), e => e.Value));

    private static string ErrorsJson(IReadOnlyList<CsvRowError> errors) =>
        JsonSerializer.Serialize(errors.Select(e => new ErrorJson(e.Row, e.Column, IncidentCodes.Code(e.Problem), e.Reason, e.Value)));

    private static string? Clip(string? text) => text is { Length: > 2000 } ? text[..2000] : text;

    private sealed record ErrorJson(long row, string? column, string problem, string reason, string? value);

    private sealed record Row(
        long Id, string CreatedBy, string FileName, string Preset, string Datum, string Status, long RowsTotal, long RowsValid, long RowsBad,
        long RowsImported, long RowsDuplicate, DateTime StartedAt, DateTime? FinishedAt, string? Message, string Errors, string? Failure, string? FailureArgs)
    {
        public CsvImport ToImport() => new(Id, CreatedBy, FileName, Preset, IncidentCodes.Parse<Datum>(Datum), IncidentCodes.Parse<CsvImportStatus>(Status),
            RowsTotal, RowsValid, RowsBad, RowsImported, RowsDuplicate, DbTime.Utc(StartedAt), DbTime.Utc(FinishedAt), Message,
            JsonSerializer.Deserialize<List<ErrorJson>>(Errors)!.Select(e => new CsvRowError(e.row, e.column, IncidentCodes.Parse<CsvProblem>(e.problem), e.reason, e.value)).ToList(),
            Failure is null ? null : IncidentCodes.Parse<CsvFailure>(Failure),
            FailureArgs is null ? [] : JsonSerializer.Deserialize<string[]>(FailureArgs)!);
    }
}
