using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;
using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>Headless Debian Chromium through Playwright .NET (never <c>playwright install</c>), as the E2E tests drive it.</summary>
public sealed class BenchBrowser : IAsyncDisposable
{
    private const float TimeoutMs = 60_000;
    private static readonly Regex SignInPage = new(@"/(login|device/signin)(\?.*)?$");

    private readonly IPlaywright playwright;

    private BenchBrowser(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<BenchBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        return new BenchBrowser(playwright, browser);
    }

    /// <summary>A fresh context (own cookies and HTTP cache) on the app, 1920×1080 unless told otherwise.</summary>
    public async Task<IBrowserContext> NewContextAsync(string baseUrl, string? storageState = null, int width = 1920, int height = 1080)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = baseUrl,
            ViewportSize = new() { Width = width, Height = height },
            StorageState = storageState,
        });
        context.SetDefaultTimeout(TimeoutMs);
        context.SetDefaultNavigationTimeout(TimeoutMs);
        return context;
    }

    /// <summary>Counts the bytes the page receives over WebSockets (the Blazor circuit) from now on: call before it navigates.</summary>
    public static Func<long> CountWebSocketBytes(IPage page)
    {
        long bytes = 0;
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, f) =>
            Interlocked.Add(ref bytes, f.Binary?.Length ?? System.Text.Encoding.UTF8.GetByteCount(f.Text ?? ""));
        return () => Interlocked.Read(ref bytes);
    }

    /// <summary>Opens the demo wall device's kiosk link; the context then stays signed in as the wall.</summary>
    public static async Task DeviceSignInAsync(IPage page)
    {
        await page.GotoAsync($"/device/signin?token={Uri.EscapeDataString(DemoAccounts.WallToken)}");
        await page.WaitForURLAsync(url => !SignInPage.IsMatch(new Uri(url).PathAndQuery));
    }

    /// <summary>Signs in through the sign-in page as a person would.</summary>
    public static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/login");
        await page.Locator("#login-user").FillAsync(userName);
        await page.Locator("#login-password").FillAsync(DemoAccounts.Password);
        await page.Locator("#login-submit").ClickAsync();
        await page.WaitForURLAsync(url => !SignInPage.IsMatch(new Uri(url).PathAndQuery));
    }

    /// <summary>The demo-mode app (simulator off) on a fresh clone of the benchmark database.</summary>
    public static Task<AppProcess> StartAppAsync(BenchDatabase db, CancellationToken ct, string? baseUrl = null) =>
        AppProcess.StartAsync(db.ConnectionString, new Dictionary<string, string> { ["CommandCenter__Demo"] = "true" }, ct, baseUrl);

    /// <summary>
    /// The page's clock (<c>performance.timeOrigin + performance.now()</c>, ms since the Unix epoch) minus this process's
    /// <see cref="DateTimeOffset.UtcNow"/>, taken at the midpoint of one round trip; both read this machine's clock.
    /// </summary>
    public static async Task<(double OffsetMs, double RoundTripMs)> ClockOffsetAsync(IPage page)
    {
        var best = (OffsetMs: 0.0, RoundTripMs: double.MaxValue);
        for (var i = 0; i < 5; i++)
        {
            var before = DateTimeOffset.UtcNow;
            var pageMs = await page.EvaluateAsync<double>("() => performance.timeOrigin + performance.now()");
            var after = DateTimeOffset.UtcNow;
            var roundTrip = (after - before).TotalMilliseconds;
            if (roundTrip < best.RoundTripMs)
                best = (pageMs - (EpochMs(before) + roundTrip / 2), roundTrip);
        }
        return best;
    }

    /// <summary>
    /// Where a page's renderer spends its main thread, from the DevTools Performance domain: seconds of tasks, script,
    /// layout and style recalculation so far (subtract two readings for a period). Enabling the domain again is harmless.
    /// </summary>
    public static async Task<RendererTime> RendererTimeAsync(ICDPSession session)
    {
        await session.SendAsync("Performance.enable");
        var result = await session.SendAsync("Performance.getMetrics");
        var metrics = result!.Value.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
        return new RendererTime(metrics["TaskDuration"], metrics["ScriptDuration"], metrics["LayoutDuration"], metrics["RecalcStyleDuration"]);
    }

    /// <summary>Milliseconds since the Unix epoch, the unit of the page's clock.</summary>
    public static double EpochMs(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}

/// <summary>Seconds of a renderer's main thread: all tasks, and within them script, layout and style recalculation.</summary>
public readonly record struct RendererTime(double Task, double Script, double Layout, double Style)
{
    public static RendererTime operator -(RendererTime a, RendererTime b) => new(a.Task - b.Task, a.Script - b.Script, a.Layout - b.Layout, a.Style - b.Style);
    public static RendererTime operator +(RendererTime a, RendererTime b) => new(a.Task + b.Task, a.Script + b.Script, a.Layout + b.Layout, a.Style + b.Style);
    public static RendererTime operator /(RendererTime a, double n) => new(a.Task / n, a.Script / n, a.Layout / n, a.Style / n);

    public override string ToString() =>
        $"tasks {Figures.F(Task, 1)} s (script {Figures.F(Script, 1)} s, layout {Figures.F(Layout, 1)} s, style {Figures.F(Style, 1)} s)";
}
