using CommandCenter.Testing;

namespace CommandCenter.E2E;

/// <summary>The real web app, started once for the E2E collection against its own empty database.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    private readonly TestDatabase database = new();
    private AppProcess? app;

    public AppProcess App => app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        try
        {
            app = await AppProcess.StartAsync(database.ConnectionString);
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
