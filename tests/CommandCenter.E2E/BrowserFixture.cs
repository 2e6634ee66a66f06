using Microsoft.Playwright;

namespace CommandCenter.E2E;

/// <summary>One headless Debian Chromium for the E2E collection (never <c>playwright install</c>).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const float TimeoutMs = 30_000;

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>
    /// A fresh context (own cookies, so culture choices don't leak between tests) on the app,
    /// in an English browser far from Beijing: the app must still default to zh-CN and show city time.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(string baseUrl, int width = 1600, int height = 900)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = baseUrl,
            Locale = "en-US", // an English browser still gets the zh-CN default
            TimezoneId = "America/New_York", // times shown are the city's, not the PC's
            ViewportSize = new() { Width = width, Height = height },
        });
        context.SetDefaultTimeout(TimeoutMs);
        context.SetDefaultNavigationTimeout(TimeoutMs);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
    }
}
