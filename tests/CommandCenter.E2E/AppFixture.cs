using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;

namespace CommandCenter.E2E;

/// <summary>
/// The real web app, started once for the E2E collection against its own empty database, in demo mode: every page
/// but sign-in needs an account, and the demo accounts (password <see cref="DemoAccounts.Password"/>) are the ones tests use.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    private readonly TestDatabase database = new();
    private AppProcess? app;

    public AppProcess App => app ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>The app's database, for tests that set up data through Core (<see cref="CoreServices.Create"/>).</summary>
    public string ConnectionString => database.ConnectionString;

    /// <summary>A client for plain HTTP checks: no redirects followed, no cookies kept (use <see cref="CookieSession"/>).</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(App.BaseUrl) };

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        try
        {
            app = await AppProcess.StartAsync(database.ConnectionString, new Dictionary<string, string> { ["CommandCenter__Demo"] = "true", ["CsvImport__ChunkSize"] = "2000" });
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
        await database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<AppFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "E2E";
}
