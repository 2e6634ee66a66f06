using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// CSV import: a native CSV of N realistic rows (the simulator's generator) written to disk, imported through
/// <see cref="CsvImportService"/> exactly as the admin page and the CLI import (check every row, then load in chunks),
/// against a plain binary COPY (<see cref="PlainCopy"/>) of the same incidents, assignments and timeline rows into a
/// fresh database in the same run. Peak memory (working set and GC heap, sampled every 20 ms) is reported for each size
/// so it is visible that it does not grow with the file; it is taken on run 1's import, before the copy's rows exist.
/// Runs alternate which side goes first, as P1's do, and the medians are compared. Goal: import ÷ copy ≥ 0.6.
/// </summary>
public sealed class CsvImportBenchmark : IBenchmark
{
    public string Name => "csv-import";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        int[] sizes = context.Options.Incidents is { } n ? [n] : [100_000, 1_000_000];
        var summary = new List<string>();
        foreach (var size in sizes)
            summary.Add(await RunSizeAsync(context, size, ct));
        foreach (var line in summary) Console.WriteLine(line);
    }

    private static async Task<string> RunSizeAsync(BenchContext context, int count, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cc-bench-import-{count}.csv");
        try
        {
            var watch = Stopwatch.StartNew();
            var bytes = await WriteFileAsync(context, file, count, ct);
            Console.WriteLine($"File: {N(count)} rows, {Bytes(bytes)}, written in {F(watch.Elapsed.TotalSeconds, 1)} s");

            // Run 1 imports first, in a process that holds nothing else: its memory is the import's alone. The copy's rows
            // (the very rows the import writes, mapped beforehand and outside its timing) are built after it.
            var imports = new List<double>();
            var loads = new List<double>();
            var copies = new List<double>();
            Peak? peak = null;
            BulkIncident[]? rows = null;
            for (var run = 1; run <= context.Options.Runs; run++)
            {
                foreach (var side in run % 2 == 1 ? new[] { "import", "copy" } : ["copy", "import"])
                {
                    if (side == "import")
                    {
                        var (check, load, cpu, measured) = await ImportAsync(context, file, count, measureMemory: peak is null, ct);
                        peak ??= measured;
                        imports.Add(count / (check + load));
                        loads.Add(count / load);
                        Console.WriteLine($"  run {run} import: check {F(check, 1)} s ({N(count / check)} rows/s), load {F(load, 1)} s ({N(count / load)} rows/s), " +
                            $"in all {N(count / (check + load))} rows/s; {cpu}");
                        continue;
                    }
                    if (rows is null)
                    {
                        var mapWatch = Stopwatch.StartNew();
                        rows = await MapAsync(context, file, ct);
                        Console.WriteLine($"  (the copy's rows mapped from the file beforehand, untimed: {F(mapWatch.Elapsed.TotalSeconds, 1)} s)");
                    }
                    await using var db = await context.CreateDatabaseAsync(ct);
                    await db.CheckpointAsync(ct);
                    var copyCpu = await CpuMeter.StartAsync(db.ConnectionString);
                    var seconds = await PlainCopy.WriteAsync(db.ConnectionString, rows, ct);
                    copies.Add(count / seconds);
                    Console.WriteLine($"  run {run} plain COPY: {N(count / seconds)} rows/s ({F(seconds, 1)} s); {await copyCpu.StopAsync()}");
                }
            }
            rows = null;
            GC.Collect();
            Console.WriteLine($"  import memory (run 1): peak working set {Bytes(peak!.WorkingSet)} (from {Bytes(peak.StartWorkingSet)} before), " +
                $"peak GC heap {Bytes(peak.Heap)} (from {Bytes(peak.StartHeap)})");
            var (i, l, c) = (Median(imports), Median(loads), Median(copies));
            return $"CSV import {N(count)} rows: import/copy ratio {F(i / c)} (import {N(i)} rows/s with both passes, load pass alone {F(l / c)} of copy; " +
                $"copy {N(c)} rows/s; {context.Options.Runs} runs, median; goal >= 0.6); peak working set {Bytes(peak.WorkingSet)}, peak GC heap {Bytes(peak.Heap)}; {Load()}";
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>One import of the file into a fresh database, exactly as the page and the CLI run it: check, then load.</summary>
    private static async Task<(double Check, double Load, CpuUse Cpu, Peak? Peak)> ImportAsync(BenchContext context, string file, int count, bool measureMemory,
        CancellationToken ct)
    {
        await using var db = await context.CreateDatabaseAsync(ct);
        await using var sp = CoreServices.Create(db.ConnectionString);
        var imports = sp.GetRequiredService<CsvImportService>();
        var mapping = new CsvMapping(CsvPresets.ColumnsFor(CsvPresets.NativePreset, CsvImportService.Sample(file, 0).Headers));
        await sp.GetRequiredService<OrgService>().ListCategoriesAsync(ct); // warm: the city pack and catalogue load once
        sp.GetRequiredService<IncidentLocator>().Locate(new(116.4, 39.9));
        await db.CheckpointAsync(ct);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var sampler = measureMemory ? Peak.Start() : null;
        var cpu = await CpuMeter.StartAsync(db.ConnectionString);
        var watch = Stopwatch.StartNew();
        var actor = new Actor("bench");
        var ready = await imports.ValidateAsync(actor, file, file, CsvPresets.Native, mapping, ct: ct);
        var check = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var run = await imports.ImportAsync(actor, ready.Id, file, skipBad: false, ct: ct);
        var load = watch.Elapsed.TotalSeconds;
        var used = await cpu.StopAsync();
        var peak = sampler?.Stop();
        if (run.Status != CsvImportStatus.Completed || run.RowsImported != count)
            throw new InvalidOperationException($"import {IncidentCodes.Code(run.Status)} with {run.RowsImported} of {count} rows: {run.Message}");
        return (check, load, used, peak);
    }

    /// <summary>The generator's history as a native CSV, written as it is generated (nothing of it is kept).</summary>
    private static async Task<long> WriteFileAsync(BenchContext context, string path, int count, CancellationToken ct)
    {
        await using (var db = await context.CreateDatabaseAsync(ct))
        await using (var sp = CoreServices.Create(db.ConnectionString))
        {
            var generator = await Generators.CreateAsync(sp, ct: ct);
            await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
            await writer.WriteAsync("ref,service_code,description,address,lon,lat,street_code,reported_at,resolved_at\n");
            var line = new StringBuilder();
            var n = 0;
            foreach (var i in BenchContext.History(generator, count))
            {
                line.Clear();
                line.Append(CultureInfo.InvariantCulture, $"B-{n++},{i.ServiceCode},").Append(Quote(i.Description)).Append(',').Append(Quote(i.Address ?? ""))
                    .Append(CultureInfo.InvariantCulture, $",{i.Point.Lon:R},{i.Point.Lat:R},{i.StreetCode},{i.ReportedAt:yyyy-MM-dd'T'HH:mm:ssK},")
                    .Append(i.ResolvedAt is { } r ? r.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) : "").Append('\n');
                await writer.WriteAsync(line, ct);
            }
        }
        return new FileInfo(path).Length;
    }

    /// <summary>Every row of the file as the import maps it.</summary>
    private static async Task<BulkIncident[]> MapAsync(BenchContext context, string path, CancellationToken ct)
    {
        await using var db = await context.CreateDatabaseAsync(ct);
        await using var sp = CoreServices.Create(db.ConnectionString);
        using var reader = new CsvReader(File.OpenRead(path));
        var header = reader.Read()!;
        var clock = sp.GetRequiredService<CityClock>();
        var mapper = new CsvRowMapper(header, CsvPresets.NativePreset, new CsvMapping(CsvPresets.ColumnsFor(CsvPresets.NativePreset, header)),
            await sp.GetRequiredService<OrgService>().ListCategoriesAsync(ct), sp.GetRequiredService<IncidentLocator>(),
            await sp.GetRequiredService<WorkingCalendarService>().GetAsync(ct), clock.Zone, clock.UtcNow, "bench", 1, "");
        var rows = new List<BulkIncident>();
        var errors = new List<CsvRowError>();
        while (reader.Read() is { } record)
            rows.Add(mapper.Map(record, reader.Record, errors) ?? throw new InvalidOperationException($"row {reader.Record}: {errors[0].Reason}"));
        return [.. rows];
    }

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";

    /// <summary>The largest working set and GC heap of this process while it runs, sampled every 20 ms.</summary>
    private sealed class Peak : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task sampling;
        private long workingSet;
        private long heap;

        private Peak()
        {
            using var self = Process.GetCurrentProcess();
            StartWorkingSet = workingSet = self.WorkingSet64;
            StartHeap = heap = GC.GetTotalMemory(false);
            sampling = Task.Run(async () =>
            {
                using var process = Process.GetCurrentProcess();
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result))
                {
                    process.Refresh();
                    workingSet = Math.Max(workingSet, process.WorkingSet64);
                    heap = Math.Max(heap, GC.GetTotalMemory(false));
                }
            });
        }

        public long StartWorkingSet { get; }

        public long StartHeap { get; }

        public long WorkingSet => workingSet;

        public long Heap => heap;

        public static Peak Start() => new();

        public Peak Stop()
        {
            stop.Cancel();
            sampling.Wait();
            return this;
        }

        public void Dispose() => stop.Dispose();
    }
}
