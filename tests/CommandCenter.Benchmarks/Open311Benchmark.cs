using System.Diagnostics;
using System.Globalization;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Open311 POST requests/s on one node, with p50 / p99 latency: realistic requests (the simulator's categories,
/// places and words) posted as forms with an API key by <c>--writers</c> concurrent clients, against the real app
/// (simulator off) over loopback. Every request is a whole incident: located, due, assigned, committed, on the bus.
/// </summary>
public sealed class Open311Benchmark : IBenchmark
{
    public string Name => "open311";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var count = context.Options.Incidents ?? 5_000;
        var writers = context.Options.Writers;
        await using var db = await context.CreateDatabaseAsync(ct);
        string key;
        List<(string Code, string Lat, string Long, string Description)> samples;
        ILookup<string, ServiceAttribute> required;
        await using (var core = await CoreServices.CreateStartedAsync(db.ConnectionString))
        {
            key = (await core.GetRequiredService<IdentityAdminService>().CreateApiClientAsync(Actor.System, "bench-open311", null, 100_000, null, ct: ct)).Secret;
            samples = BenchContext.History(await Generators.CreateAsync(core, ct: ct), 2_000)
                .Select(i => (i.ServiceCode, i.Point.Lat.ToString("R", CultureInfo.InvariantCulture), i.Point.Lon.ToString("R", CultureInfo.InvariantCulture), i.Description))
                .ToList();
            required = (await core.GetRequiredService<Open311Service>().AttributesAsync(ct)).Where(a => a.Required).ToLookup(a => a.ServiceCode);
        }
        await using var app = await AppProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(), ct);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = writers }) { BaseAddress = new Uri(app.BaseUrl + "/") };

        async Task<double> PostAsync(int i)
        {
            var (code, lat, lon, description) = samples[i % samples.Count];
            var fields = new Dictionary<string, string>
            {
                ["api_key"] = key, ["service_code"] = code, ["lat"] = lat, ["long"] = lon, ["description"] = description, ["client_request_key"] = $"bench-{i}",
            };
            // What a citizen app answers for the service definition's required questions.
            foreach (var a in required[code])
                fields[$"attribute[{a.Code}]"] = a.Values.Count > 0 ? a.Values[0].Key : a.Datatype == "number" ? "1" : "现场确认";
            using var form = new FormUrlEncodedContent(fields);
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync("open311/v2/requests.json", form, ct);
            if ((int)response.StatusCode != 201)
                throw new InvalidOperationException($"POST {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        // Warm-up: JIT, pools, prepared statements.
        await Parallel.ForEachAsync(Enumerable.Range(-500, 500), new ParallelOptions { MaxDegreeOfParallelism = writers, CancellationToken = ct },
            async (i, _) => await PostAsync(i + 1_000_000));
        var latencies = new double[count];
        var cpu = await CpuMeter.StartAsync(db.ConnectionString);
        var appCpu = CpuMeter.SecondsOf([app.ProcessId]);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = writers, CancellationToken = ct },
            async (i, _) => latencies[i] = await PostAsync(i));
        var seconds = clock.Elapsed.TotalSeconds;
        var used = await cpu.StopAsync();
        Console.WriteLine($"  {used}; app {F(CpuMeter.SecondsOf([app.ProcessId]) - appCpu, 1)} s");
        Console.WriteLine($"Open311 POST requests.json: {N(count / seconds)} requests/s; {Spread(latencies)} " +
            $"({N(count)} requests, {writers} concurrent clients, one node, loopback, synchronous_commit on)");
    }
}
