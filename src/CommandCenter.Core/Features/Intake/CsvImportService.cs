using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using static CommandCenter.Core.Features.Intake.CsvImportException;

namespace CommandCenter.Core.Features.Intake;

/// <summary>
/// CSV import for the admin page and the command line, in two streaming passes over a file on disk (nothing holds the
/// file in memory). <see cref="ValidateAsync"/> reads every row and records the run with its counts and first errors;
/// <see cref="ImportAsync"/> reads it again and loads the valid rows through <see cref="IncidentBulkWriter"/> in chunks
/// of their own transaction (one long transaction would hold the event bus's cursor back and leave every wall stale).
/// A file with bad rows loads only when the caller says to skip them. Rows are <see cref="IncidentSource.Import"/>
/// incidents referenced by the source's own id (or by the file's hash and row), so running the same file again adds
/// nothing. Cancelling stops between chunks: what is committed stays and is counted.
/// </summary>
public sealed class CsvImportService(
    CsvImportStore store, IncidentBulkWriter writer, IncidentLocator locator, WorkingCalendarService calendar, OrgService org, CityClock clock,
    NpgsqlDataSource dataSource, IOptions<CsvImportOptions> options, ILogger<CsvImportService> logger)
{
    /// <summary>How many row errors a run keeps (all are counted).</summary>
    public const int MaxStoredErrors = 1000;

    /// <summary>Large loads are followed by ANALYZE.</summary>
    public const int AnalyzeAfter = 10_000;

    /// <summary>How often the check pass says it is alive (well inside <see cref="CsvImportStore.Silence"/>).</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, Running> running = new();

    /// <summary>Rows per transaction in the load pass (<see cref="CsvImportOptions.ChunkSize"/>; tests and tools may change it).</summary>
    public int ChunkSize { get; set; } = options.Value.ChunkSize;

    /// <summary>The header and first <paramref name="rows"/> records as they are, and the preset the header looks like.</summary>
    /// <exception cref="CsvImportException">The file is empty or not readable as CSV.</exception>
    public static CsvSample Sample(string path, int rows = 20)
    {
        using var reader = Open(path);
        try
        {
            var header = HeaderOf(reader);
            var sample = new List<IReadOnlyList<string>>();
            while (sample.Count < rows && reader.Read() is { } record)
                if (!IsBlank(record)) sample.Add(record);
            return new CsvSample(header.Select(h => h.Trim()).ToList(), sample, CsvPresets.Detect(header));
        }
        catch (CsvFormatException e)
        {
            throw CsvImportException.From(e);
        }
    }

    /// <summary>The first <paramref name="rows"/> rows as the mapping reads them, each with its problems.</summary>
    public async Task<IReadOnlyList<CsvPreviewRow>> PreviewAsync(string path, string preset, CsvMapping mapping, int rows = 20, CancellationToken ct = default)
    {
        using var reader = Open(path);
        try
        {
            var mapper = await MapperAsync(HeaderOf(reader), CsvPresets.Get(preset), mapping,
                "import", 0, "preview", ct);
            var preview = new List<CsvPreviewRow>();
            var errors = new List<CsvRowError>();
            while (preview.Count < rows && reader.Read() is { } record)
            {
                if (IsBlank(record)) continue;
                errors.Clear();
                var i = mapper.Map(record, reader.Record, errors);
                preview.Add(new CsvPreviewRow(reader.Record, i?.SourceRef, i?.ServiceCode, i?.Description, i?.DistrictAdcode, i?.StreetCode,
                    i?.StreetSource, i?.ReportedAt, i?.ResolvedAt, errors.ToList()));
            }
            return preview;
        }
        catch (CsvFormatException e)
        {
            throw CsvImportException.From(e);
        }
    }

    /// <summary>
    /// Pass 1: records a run, reads every row and stores the counts and the first <see cref="MaxStoredErrors"/> errors.
    /// The run is then 'ready' (even with bad rows: the caller decides), or 'failed' if the file itself is unreadable
    /// or the mapping does not fit it, or 'cancelled'.
    /// </summary>
    public async Task<CsvImport> ValidateAsync(Actor actor, string path, string fileName, string preset, CsvMapping mapping,
        Action<CsvProgress>? progress = null, CancellationToken ct = default)
    {
        var definition = CsvPresets.Get(preset);
        fileName = Path.GetFileName(fileName) is { Length: > 0 } name ? name[..Math.Min(name.Length, 255)] : "import.csv";
        var id = await store.CreateAsync(actor.Name, fileName, preset, mapping, clock.UtcNow, ct);
        long total = 0, valid = 0, bad = 0;
        var kept = new List<CsvRowError>();
        string? sha = null;
        try
        {
            sha = await HashAsync(path, ct);
            var watch = Stopwatch.StartNew();
            using var reader = Open(path);
            var mapper = await MapperAsync(HeaderOf(reader), definition, mapping, actor.Name, id, sha, ct);
            var errors = new List<CsvRowError>();
            var beat = Stopwatch.StartNew();
            while (reader.Read() is { } record)
            {
                if (IsBlank(record)) continue;
                total++;
                errors.Clear();
                if (mapper.Map(record, reader.Record, errors) is null)
                {
                    bad++;
                    kept.AddRange(errors.Take(MaxStoredErrors - kept.Count));
                }
                else valid++;
                if (total % 10_000 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Invoke(new CsvProgress(id, CsvImportStatus.Validating, total, 0, 0, total / watch.Elapsed.TotalSeconds));
                    if (beat.Elapsed > HeartbeatInterval)
                    {
                        await store.HeartbeatAsync(id, ct);
                        beat.Restart();
                    }
                }
            }
            if (total == 0) throw new CsvImportException(CsvFailure.NoRows, "The file has a header but no rows.");
            await store.ValidatedAsync(id, sha, total, valid, bad, kept, null, clock.UtcNow, CancellationToken.None);
        }
        catch (Exception e) when (e is CsvImportException or CsvFormatException or IOException)
        {
            await store.ValidatedAsync(id, sha, total, valid, bad, kept, CsvImportException.Of(e), clock.UtcNow, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            await store.FinishAsync(id, CsvImportStatus.Cancelled, 0, 0, "Validation was cancelled.", null, clock.UtcNow, CancellationToken.None);
        }
        return (await store.GetAsync(id, CancellationToken.None))!;
    }

    /// <summary>
    /// Pass 2: loads a 'ready' run's valid rows from <paramref name="path"/> (the file it validated) in chunks. Rows an
    /// earlier run already loaded are skipped and counted as duplicates. Cancelling <paramref name="ct"/> stops before
    /// the next chunk; the run is then 'cancelled' with the committed rows counted.
    /// </summary>
    /// <param name="skipBad">Required when validation found bad rows: load the valid ones, skip the reported ones.</param>
    /// <exception cref="CsvImportException">The run is not ready, or it has bad rows and <paramref name="skipBad"/> is false.</exception>
    public async Task<CsvImport> ImportAsync(Actor actor, long id, string path, bool skipBad, Action<CsvProgress>? progress = null, CancellationToken ct = default)
    {
        var load = await BeginAsync(id, skipBad, ct);
        return await LoadAsync(actor, load, path, skipBad, progress, ct);
    }

    /// <summary>
    /// <see cref="ImportAsync"/> in the background (the page may close meanwhile): refuses at once what
    /// <see cref="ImportAsync"/> refuses, then loads; <see cref="Progress"/> and <see cref="Cancel"/> reach it by id, and
    /// <paramref name="done"/> runs when it ends, however it ends.
    /// </summary>
    public async Task StartAsync(Actor actor, long id, string path, bool skipBad, Action? done = null, CancellationToken ct = default)
    {
        var run = new Running(new CancellationTokenSource());
        if (!running.TryAdd(id, run)) throw new CsvImportException(CsvFailure.AlreadyRunning, $"Import {id} is already running.", Invariant(id));
        Load load;
        try
        {
            load = await BeginAsync(id, skipBad, ct);
        }
        catch
        {
            running.TryRemove(id, out _);
            throw;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await LoadAsync(actor, load, path, skipBad, p => run.Latest = p, run.Cancel.Token);
            }
            catch (Exception e)
            {
                logger.LogError(e, "CSV import {Id} could not finish", id);
            }
            finally
            {
                running.TryRemove(id, out _);
                done?.Invoke();
            }
        }, CancellationToken.None);
    }

    /// <summary>The latest progress of a run this process is loading; null when it is not running here.</summary>
    public CsvProgress? Progress(long id) => running.TryGetValue(id, out var r) ? r.Latest : null;

    public bool IsRunning(long id) => running.ContainsKey(id);

    /// <summary>Asks a running load to stop after the chunk it is writing; false if it is not running here.</summary>
    public bool Cancel(long id)
    {
        if (!running.TryGetValue(id, out var run)) return false;
        run.Cancel.Cancel();
        return true;
    }

    public Task<CsvImport?> GetAsync(long id, CancellationToken ct = default) => store.GetAsync(id, ct);

    public Task<IReadOnlyList<CsvImport>> ListAsync(int limit = 50, CancellationToken ct = default) => store.ListAsync(Math.Clamp(limit, 1, 500), ct);

    private sealed record Load(CsvImport Run, string Preset, CsvMapping Mapping, string? Sha256);

    private async Task<Load> BeginAsync(long id, bool skipBad, CancellationToken ct)
    {
        var run = await store.GetAsync(id, ct) ?? throw new CsvImportException(CsvFailure.NoSuchImport, $"No import {id}.", Invariant(id));
        if (run.Status != CsvImportStatus.Ready) throw new CsvImportException(CsvFailure.NotReady, $"Import {id} is {IncidentCodes.Code(run.Status)}, not ready to load.", Invariant(id), IncidentCodes.Code(run.Status));
        if (run.RowsBad > 0 && !skipBad)
            throw new CsvImportException(CsvFailure.BadRows, $"{run.RowsBad} rows are bad: fix the file, or choose to import the {run.RowsValid} valid rows and skip them.",
                Invariant(run.RowsBad), Invariant(run.RowsValid));
        var (preset, mapping, sha) = (await store.DefinitionAsync(id, ct))!.Value;
        if (!await store.StartAsync(id, ct)) throw new CsvImportException(CsvFailure.AlreadyStarted, $"Import {id} has already started.", Invariant(id));
        return new Load(run, preset, mapping, sha);
    }

    private async Task<CsvImport> LoadAsync(Actor actor, Load load, string path, bool skipBad, Action<CsvProgress>? progress, CancellationToken ct)
    {
        var id = load.Run.Id;
        long imported = 0, duplicate = 0;
        var status = CsvImportStatus.Completed;
        CsvImportException? failure = null;
        // Not linked to ct: the reader stops only when the loop below stops taking chunks.
        using var stop = new CancellationTokenSource();
        var chunks = Channel.CreateBounded<(BulkIncident[] Rows, long RowsRead, CsvImportException? Changed)>(1);
        var watch = Stopwatch.StartNew();
        Task? producer = null;
        try
        {
            var reader = Open(path);
            try
            {
                var mapper = await MapperAsync(HeaderOf(reader), CsvPresets.Get(load.Preset),
                    load.Mapping, actor.Name, id, load.Sha256 ?? "", CancellationToken.None);
                producer = ProduceAsync(reader, mapper, skipBad, chunks.Writer, stop.Token);
            }
            finally
            {
                if (producer is null) reader.Dispose();
            }
            await foreach (var (rows, read, changed) in chunks.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (changed is not null)
                {
                    (status, failure) = (CsvImportStatus.Failed, changed);
                    break;
                }
                // Between chunks only: a chunk is written whole or not at all, and what is committed stays.
                if (ct.IsCancellationRequested)
                {
                    status = CsvImportStatus.Cancelled;
                    break;
                }
                var (written, skipped) = await WriteChunkAsync(rows);
                imported += written;
                duplicate += skipped;
                await store.ProgressAsync(id, imported, duplicate, CancellationToken.None);
                progress?.Invoke(new CsvProgress(id, CsvImportStatus.Importing, read, load.Run.RowsTotal, imported, read / watch.Elapsed.TotalSeconds));
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "CSV import {Id} failed after {Imported} rows", id, imported);
            (status, failure) = (CsvImportStatus.Failed, CsvImportException.Of(e));
        }
        finally
        {
            await stop.CancelAsync();
            if (producer is not null) await producer;
        }
        var message = status == CsvImportStatus.Cancelled ? $"Cancelled: the {imported} rows committed before it stay imported." : failure?.Message;
        await store.FinishAsync(id, status, imported, duplicate, message, failure, clock.UtcNow, CancellationToken.None);
        if (imported >= AnalyzeAfter) await writer.AnalyzeAsync(CancellationToken.None);
        return (await store.GetAsync(id, CancellationToken.None))!;
    }

    /// <summary>
    /// Reads, maps and chunks on another thread, one chunk ahead of the writes; the reader is disposed when done. A chunk
    /// is <see cref="ChunkSize"/> rows of the file (its bad rows left out), so progress moves even through bad stretches.
    /// </summary>
    private Task ProduceAsync(CsvReader reader, CsvRowMapper mapper, bool skipBad, ChannelWriter<(BulkIncident[], long, CsvImportException?)> chunks, CancellationToken ct) =>
        Task.Run(async () =>
        {
            using var _ = reader;
            try
            {
                var chunk = new List<BulkIncident>(ChunkSize);
                var errors = new List<CsvRowError>();
                long read = 0, sent = 0;
                while (reader.Read() is { } record)
                {
                    if (IsBlank(record)) continue;
                    read++;
                    errors.Clear();
                    if (mapper.Map(record, reader.Record, errors) is { } incident) chunk.Add(incident);
                    else if (!skipBad)
                    {
                        // Validation found no bad rows, so the file changed since: stop before anything of this chunk is written.
                        await chunks.WriteAsync(([], read, new CsvImportException(CsvFailure.FileChanged,
                            $"Row {reader.Record} no longer validates ({errors[0].Reason}): the file changed since it was checked.", Invariant(reader.Record))), ct);
                        chunks.Complete();
                        return;
                    }
                    if (read - sent == ChunkSize)
                    {
                        await chunks.WriteAsync(([.. chunk], read, null), ct);
                        chunk.Clear();
                        sent = read;
                    }
                }
                if (read > sent) await chunks.WriteAsync(([.. chunk], read, null), ct);
                chunks.Complete();
            }
            catch (Exception e)
            {
                chunks.Complete(e is OperationCanceledException ? null : e);
            }
        }, CancellationToken.None);

    /// <summary>One transaction: rows whose reference is already loaded (or repeated in the chunk) are left out first.</summary>
    private async Task<(long Written, long Duplicate)> WriteChunkAsync(BulkIncident[] rows)
    {
        if (rows.Length == 0) return (0, 0);
        HashSet<string> existing;
        await using (var conn = await dataSource.OpenConnectionAsync(CancellationToken.None))
            existing = await CsvImportStore.ExistingRefsAsync(conn, rows.Select(r => r.SourceRef!).ToArray(), CancellationToken.None);
        var fresh = rows.Where(r => existing.Add(r.SourceRef!)).ToArray();
        if (fresh.Length > 0) await writer.WriteAsync(fresh, CancellationToken.None);
        return (fresh.Length, rows.Length - fresh.Length);
    }

    private async Task<CsvRowMapper> MapperAsync(string[] header, CsvPreset preset, CsvMapping mapping, string actor, long id, string sha, CancellationToken ct) =>
        new(header, preset, mapping, await org.ListCategoriesAsync(ct), locator, await calendar.GetAsync(ct), clock.Zone, clock.UtcNow, actor, id,
            sha.Length > 16 ? sha[..16] : sha);

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    private static CsvReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan));

    private static string[] HeaderOf(CsvReader reader) => reader.Read() ?? throw new CsvImportException(CsvFailure.Empty, "The file is empty.");

    private static bool IsBlank(string[] record) => record.Length == 1 && record[0].Length == 0;

    private sealed class Running(CancellationTokenSource cancel)
    {
        public CancellationTokenSource Cancel { get; } = cancel;

        public volatile CsvProgress? Latest;
    }
}
