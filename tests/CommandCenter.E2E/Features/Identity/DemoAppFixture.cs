using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>
/// The real app in demo mode on its own database, with sessions re-checked every second, plus Core on the same
/// database for what an administrator does (create or revoke credentials). Shared by the identity HTTP tests,
/// which therefore run one after another; each makes its own sessions and credentials.
/// </summary>
public sealed class DemoAppFixture : IAsyncLifetime
{
    private readonly TestDatabase database = new();
    private readonly List<string> homes = [];
    private AppProcess? app;
    private ServiceProvider? core;

    public AppProcess App => app ?? throw new InvalidOperationException("The app has not started.");

    public Uri BaseUri => new(App.BaseUrl + "/");

    public string ConnectionString => database.ConnectionString;

    public IdentityAdminService Admin => (core ?? throw new InvalidOperationException("Not started.")).GetRequiredService<IdentityAdminService>();

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        try
        {
            app = await StartAppAsync();
            core = CoreServices.Create(database.ConnectionString);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the app and starts a new process on the same database (a deployment, a crash, another node).</summary>
    public async Task RestartAsync()
    {
        await App.DisposeAsync();
        app = null;
        app = await StartAppAsync();
    }

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        if (core is not null) await core.DisposeAsync();
        await database.DisposeAsync();
        foreach (var home in homes)
            Directory.Delete(home, recursive: true);
    }

    private Task<AppProcess> StartAppAsync()
    {
        // A fresh HOME per process: Data Protection's file-system fallback cannot carry keys over a restart,
        // so only the key ring in PostgreSQL can.
        var home = Directory.CreateTempSubdirectory("cc-e2e-home-").FullName;
        homes.Add(home);
        return AppProcess.StartAsync(database.ConnectionString, new Dictionary<string, string>
        {
            ["CommandCenter__Demo"] = "true",
            ["Identity__RevalidationInterval"] = "00:00:01",
            ["HOME"] = home,
        });
    }
}

[CollectionDefinition(Name)]
public sealed class DemoAppCollection : ICollectionFixture<DemoAppFixture>
{
    public const string Name = "Identity over HTTP";
}
