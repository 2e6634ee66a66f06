using System.Globalization;
using System.Text;
using System.Text.Json;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Risk: a reading past red posted to <c>POST /api/v1/readings</c> → the alert marker visible on the wall (P4's budget:
/// p99 ≤ 1 s). The real app (simulator off) with <c>--walls</c> wall pages in headless Chromium; <c>--incidents</c>
/// readings (default 32), each raising a new red alert (waterlogging, then fire alarms, district after district),
/// <c>--seconds</c> apart (default 1.5 s). A MutationObserver stamps every change of the map's <c>data-markers</c> count; the
/// k-th reading is visible once the count reaches k. Time from the POST's answer (the reading committed), clock offset
/// taken off as in P4. The path: commit → bus → the leader's alert engine → alert commit → bus → each node's risk state → render.
/// </summary>
public sealed class RiskBenchmark : IBenchmark
{
    private const string Observe = """
        () => {
            window.__ccObs = [];
            const map = document.querySelector('#wall-map');
            const record = () => window.__ccObs.push([performance.timeOrigin + performance.now(), +(map.dataset.markers ?? 0)]);
            new MutationObserver(record).observe(map, { attributes: true, attributeFilter: ['data-markers'] });
            record();
        }
        """;

    public string Name => "risk";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var count = context.Options.Incidents ?? 32;
        var gap = context.Options.Seconds is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(1.5);
        await using var db = await context.CreateDatabaseAsync(ct);
        string key;
        IReadOnlyList<string> districts;
        await using (var core = await CoreServices.CreateStartedAsync(db.ConnectionString))
        {
            key = (await core.GetRequiredService<IdentityAdminService>().CreateApiClientAsync(Actor.System, "bench-sensors", null, 100_000, null, ct: ct)).Secret;
            districts = (await core.GetRequiredService<OrgService>().ListDistrictsAsync(ct)).Select(d => d.Adcode).Order(StringComparer.Ordinal).ToList();
        }
        // Each series alerts once: waterlogging in every district, then fire alarms, then gas leaks.
        var series = new[] { ("waterlogging-depth", 62.0), ("fire-alarms", 25.0), ("gas-leak-alarms", 12.0) }
            .SelectMany(s => districts.Select(d => (Indicator: s.Item1, District: d, Value: s.Item2))).Take(count).ToList();

        await using var app = await BenchBrowser.StartAppAsync(db, ct);
        await using var browser = await BenchBrowser.LaunchAsync();
        var walls = new List<IPage>();
        for (var i = 0; i < context.Options.Walls; i++)
        {
            var page = await (await browser.NewContextAsync(app.BaseUrl)).NewPageAsync();
            await BenchBrowser.DeviceSignInAsync(page);
            await page.GotoAsync("/wall?kiosk=1");
            await page.Locator("#wall[data-loaded=true]").WaitForAsync();
            await page.Locator("#risk-domains").WaitForAsync();
            walls.Add(page);
        }
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // let the pages settle
        var offsets = new List<(double OffsetMs, double RoundTripMs)>();
        foreach (var page in walls)
        {
            await page.EvaluateAsync(Observe);
            offsets.Add(await BenchBrowser.ClockOffsetAsync(page));
        }
        Console.WriteLine($"  {walls.Count} wall pages connected; {N(series.Count)} red readings, {F(gap.TotalSeconds, 1)} s apart; {Load()}");

        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl + "/") };
        var returned = new List<double>();
        foreach (var (indicator, district, value) in series)
        {
            var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            var body = JsonSerializer.Serialize(new { readings = new[] { new { indicator, district, at, value } } });
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/readings") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", key);
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"readings answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            returned.Add(BenchBrowser.EpochMs(DateTimeOffset.UtcNow));
            await Task.Delay(gap, ct);
        }

        var all = new List<double>();
        var missing = 0;
        for (var w = 0; w < walls.Count; w++)
        {
            try
            {
                await walls[w].WaitForFunctionAsync("n => +(document.querySelector('#wall-map').dataset.markers ?? 0) >= n", series.Count, new() { Timeout = 30_000 });
            }
            catch (TimeoutException)
            {
                Console.WriteLine($"  wall {w + 1} did not show {series.Count} markers within 30 s");
            }
            var observations = await walls[w].EvaluateAsync<double[][]>("() => window.__ccObs");
            var latencies = new List<double>();
            for (var k = 1; k <= returned.Count; k++)
            {
                if (observations.FirstOrDefault(o => o[1] >= k) is not { } seen) { missing++; continue; }
                latencies.Add(seen[0] - offsets[w].OffsetMs - returned[k - 1]);
            }
            all.AddRange(latencies);
            Console.WriteLine($"  wall {w + 1}: {Spread(latencies, 50, 99)}");
        }
        Console.WriteLine($"Risk red reading -> marker on the wall: {Spread(all, 50, 99)} over {walls.Count} walls x {N(series.Count)} readings" +
            $"{(missing > 0 ? $"; {N(missing)} never seen" : "")}; clock offset page - .NET {string.Join(", ", offsets.Select(o => $"{F(o.OffsetMs)} ms"))}; " +
            $"goal (P4's budget) p99 <= 1000 ms; {Load()}");
    }
}
